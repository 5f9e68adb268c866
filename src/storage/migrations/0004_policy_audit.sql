-- Policy per tenant, and the append-only audit log.
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
