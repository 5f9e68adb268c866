-- A character whose bot keeps its own memory (a vector or graph store) has a context callback:
-- Overture POSTs a signed request to the URL and takes topic candidates from the answer, and
-- falls back to the built-in facts and memories when the call fails. The secret that signs the
-- request is sealed (storage/secret-box.ts, under OVERTURE_SECRET_KEY, bound to this tenant and
-- character), never stored in the clear. No row: the character uses the built-in store.
create table context_providers (
  tenant_id text not null,
  character_id text not null,
  url text not null,
  secret_sealed text not null,
  timeout_ms integer not null check (timeout_ms between 100 and 10000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, character_id),
  foreign key (tenant_id, character_id) references characters (tenant_id, character_id) on delete cascade
);
