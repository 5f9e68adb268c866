-- Policy per tenant, triggers, and the append-only audit log.
--
-- A tenant's policy is one document (defaults and per-character overrides), validated by the
-- engine's schema on the way in; a tenant without a row has the default policy, in which
-- proactive messages are off.
create table policies (
  tenant_id text primary key references tenants (tenant_id) on delete cascade,
  settings jsonb not null,
  updated_at timestamptz not null
);

-- Each entry carries the SHA-256 of the one before it (per tenant, in seq order), so editing or
-- deleting any entry breaks the chain from there on (GET /v1/audit/verify).
create table audit_log (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  seq bigint not null,
  at timestamptz not null,
  actor text not null,
  action text not null,
  subject text not null,
  detail jsonb not null,
  prev_hash text not null,
  hash text not null,
  primary key (tenant_id, seq)
);

-- Why to speak first. `spec` holds the kind's own settings (validated by the engine's schema);
-- the built-in triggers are registered for every tenant, disabled, and can be disabled but not
-- deleted. A webhook trigger's secret signs the calls to its hook (HMAC-SHA256).
create table triggers (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  trigger_id text not null,
  name text not null,
  kind text not null check (kind in ('silence', 'active_now', 'schedule', 'event', 'webhook')),
  spec jsonb not null,
  enabled boolean not null,
  character_ids text[],
  approval text not null check (approval in ('auto', 'suggest', 'manual')),
  priority integer not null,
  cooldown_minutes integer not null,
  caps jsonb not null,
  expiry_minutes integer not null,
  at_good_time boolean not null,
  builtin boolean not null default false,
  webhook_secret text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, trigger_id)
);

-- How far the bot trusts its relationship with the user, in [0, 1], set by the bot; a character's
-- policy can require a minimum before it speaks first.
alter table user_characters add column trust double precision not null default 0 check (trust >= 0 and trust <= 1);
