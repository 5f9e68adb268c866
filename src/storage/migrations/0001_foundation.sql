-- Foundation: tenants, API keys, characters, users, per-(user, character) state, raw events.
--
-- Every key and index leads with tenant_id (then user_id where there is one) so the tables can
-- be distributed by tenant later. tenants and api_keys are the exception by design: a request is
-- authenticated by its key's hash before its tenant is known. They are small, and would be
-- reference tables (copied to every node) in a distributed setup.
-- Timestamps are written by the engine from its injected clock, never with now().

create table tenants (
  tenant_id text primary key,
  name text not null,
  created_at timestamptz not null
);

create table api_keys (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  key_id text not null,
  name text not null,
  key_prefix text not null,
  key_hash text not null,
  scopes text[] not null,
  created_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (tenant_id, key_id)
);
create unique index api_keys_by_hash on api_keys (key_hash);

create table characters (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  character_id text not null,
  name text,
  persona text,
  proactive_enabled boolean not null default true,
  defaults jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, character_id)
);

-- Profile fields are set through the API; the counters and last_* instants are maintained by
-- ingest, incrementally (greatest/least and sums), so they never need history to be rescanned.
create table users (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  user_id text not null,
  timezone text,
  locale text,
  addresses jsonb not null default '{}',
  consent text not null default 'unknown' check (consent in ('opted_in', 'unknown', 'opted_out')),
  consent_updated_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  first_event_at timestamptz,
  last_event_at timestamptz,
  last_activity_at timestamptz,
  last_inbound_at timestamptz,
  last_outbound_at timestamptz,
  last_session_start_at timestamptz,
  last_session_end_at timestamptz,
  inbound_count bigint not null default 0,
  outbound_count bigint not null default 0,
  session_count bigint not null default 0,
  event_count bigint not null default 0,
  primary key (tenant_id, user_id)
);

create table user_characters (
  tenant_id text not null,
  user_id text not null,
  character_id text not null,
  created_at timestamptz not null,
  first_event_at timestamptz,
  last_event_at timestamptz,
  last_activity_at timestamptz,
  last_inbound_at timestamptz,
  last_outbound_at timestamptz,
  last_session_start_at timestamptz,
  last_session_end_at timestamptz,
  inbound_count bigint not null default 0,
  outbound_count bigint not null default 0,
  session_count bigint not null default 0,
  event_count bigint not null default 0,
  primary key (tenant_id, user_id, character_id),
  foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade,
  foreign key (tenant_id, character_id) references characters (tenant_id, character_id) on delete cascade
);

-- Raw events, append-only. The sender's id is unique per (tenant, user): re-sending it is a no-op.
-- No foreign keys: ingest creates the user and character in the same transaction, and this is
-- the table with the most writes.
create table events (
  tenant_id text not null,
  user_id text not null,
  event_id text not null,
  character_id text not null,
  kind text not null check (kind in ('message_in', 'message_out', 'session_start', 'session_end', 'reaction', 'feedback', 'custom')),
  name text,
  at timestamptz not null,
  received_at timestamptz not null,
  text text,
  channel text,
  meta jsonb,
  primary key (tenant_id, user_id, event_id)
);
create index events_by_user_time on events (tenant_id, user_id, at);
