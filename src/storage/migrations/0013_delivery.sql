-- Delivery: the approval queue's last states, the transactional outbox, the channels' settings,
-- and where a user can be reached.

-- `unknown`: handed to a platform that gave no answer (perhaps sent); never resent automatically.
-- Who moved a suggestion on: 'auto', or the API key (or library caller) that approved or
-- dismissed it; the text as composed is kept when a person edits it before approving.
alter table suggestions drop constraint suggestions_status_check;
alter table suggestions add constraint suggestions_status_check
  check (status in ('drafting', 'pending', 'approved', 'sending', 'sent', 'dismissed', 'expired', 'failed', 'unknown'));
alter table suggestions
  add column handled_by text,
  add column handled_at timestamptz,
  add column composed_text text;
-- The tenant-wide queue (a dashboard's "pending" list, newest first), a suggestion by its id
-- alone (the API's URLs carry no user id), and the pending ones whose time runs out. They lead
-- with tenant_id, so they distribute by tenant; they do not follow it with user_id, since they
-- read a tenant's suggestions across users.
create index suggestions_by_status on suggestions (tenant_id, status, suggestion_id);
create index suggestions_by_id on suggestions (tenant_id, suggestion_id);
create index suggestions_pending_expiry on suggestions (tenant_id, expires_at) where status = 'pending';

-- The channel a user asked to be reached on; the one they last wrote to a character on.
alter table users add column preferred_channel text;
alter table user_characters add column last_inbound_channel text;

-- How a character reaches users on a channel: the settings that are not secret (an API root, a
-- webhook URL) in clear, the token or signing secret sealed (storage/secret-box.ts) under the
-- server's key and bound to this tenant, character and channel. Never returned by the API.
create table channel_settings (
  tenant_id text not null,
  character_id text not null,
  channel text not null check (channel in ('telegram', 'discord', 'slack', 'webhook', 'stream')),
  settings jsonb not null,
  secret_sealed text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, character_id, channel),
  foreign key (tenant_id, character_id) references characters (tenant_id, character_id) on delete cascade
);

-- Addresses a platform said will never work (bot blocked, chat not found): not tried again
-- until the address changes. Written by delivery workers without locking the user's row.
create table unreachable_addresses (
  tenant_id text not null,
  user_id text not null,
  channel text not null,
  address text not null,
  reason text not null,
  at timestamptz not null,
  primary key (tenant_id, user_id, channel, address)
);

-- The outbox: one delivery per suggestion (the unique key), written in the transaction that
-- approves it, sent by any instance's delivery worker under a lease. `queued` waits for
-- next_attempt_at; `sending` is held by lease_token until lease_until; a lease that ends while
-- `sending` means the worker died after handing the message over: an idempotent channel sends it
-- again (same key), any other becomes `unknown`. `handed_off`: given to the bot on the stream,
-- waiting for its report until lease_until.
create table deliveries (
  tenant_id text not null,
  user_id text not null,
  delivery_id text not null,
  suggestion_id text not null,
  character_id text not null,
  channel text not null,
  address text not null,
  text text not null,
  -- the suggestion's expiry: a message not sent by then is not sent late
  expires_at timestamptz not null,
  status text not null check (status in ('queued', 'sending', 'handed_off', 'sent', 'failed', 'unknown')),
  attempts integer not null default 0,
  max_attempts integer not null check (max_attempts >= 1),
  next_attempt_at timestamptz,
  lease_token text,
  lease_until timestamptz,
  external_id text,
  reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  sent_at timestamptz,
  primary key (tenant_id, user_id, delivery_id),
  unique (tenant_id, user_id, suggestion_id)
);
create index deliveries_by_id on deliveries (tenant_id, delivery_id);
-- Small partial indexes: only the deliveries a worker may have to pick up.
create index deliveries_queued on deliveries (tenant_id, next_attempt_at) where status = 'queued';
create index deliveries_leased on deliveries (tenant_id, lease_until) where status in ('sending', 'handed_off');

-- Every attempt, with what became of it (null while in flight: a crash leaves it so).
create table delivery_attempts (
  tenant_id text not null,
  user_id text not null,
  delivery_id text not null,
  attempt integer not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  outcome text check (outcome in ('sent', 'retry', 'permanent', 'unknown', 'lost')),
  reason text,
  retry_after_ms integer,
  primary key (tenant_id, user_id, delivery_id, attempt)
);
