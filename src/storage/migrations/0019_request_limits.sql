-- Request limits (issue 16, item 7). A tenant's own limits, set by the operator; null: the
-- operator's defaults from the configuration.
alter table tenants add column request_limits jsonb;

-- Requests counted per fixed window, shared by every instance on one PostgreSQL server (PGlite has
-- one instance and counts in memory). `bucket` names what is counted: `key:<keyId>`,
-- `tenant:<tenantId>`, `auth:<address>` (failed authentications, before any tenant is known: the
-- primary key cannot lead with tenant_id, and the table is not a tenant's data). Unlogged: a
-- counter lost in a crash costs nothing, and no WAL is written on every request.
create unlogged table request_counters (
  bucket text primary key,
  hits integer not null,
  resets_at timestamptz not null
);
