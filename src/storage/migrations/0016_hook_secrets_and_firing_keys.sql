-- A webhook trigger's signing secret is sealed like every other stored secret (AES-256-GCM under
-- OVERTURE_SECRET_KEY, bound to tenant and trigger: storage/codecs/secret-box.ts) in
-- `webhook_secret_sealed`; the engine never writes `webhook_secret` again. SQL has no key to seal
-- with: an engine started with one seals the plain secrets at start and clears them
-- (engine/triggers/hook-secrets.ts). Until then (a server without a key) the hook checks
-- signatures with the plain one, so no trigger stops working at the upgrade.
alter table triggers add column webhook_secret_sealed text;

-- The keys of the calls that fired a trigger for a pair (a hook call's `id`, or without one its
-- body's hash; a manual firing's `id`), remembered for 7 days whatever became of the occasion,
-- so that the same call again is a duplicate after its occasion was acted on (and deleted) too.
-- Pruned with the other expiring rows through the BRIN index.
create table firing_keys (
  tenant_id text not null,
  user_id text not null,
  character_id text not null,
  trigger_id text not null,
  occasion_key text not null,
  received_at timestamptz not null,
  primary key (tenant_id, user_id, character_id, trigger_id, occasion_key)
);
create index firing_keys_by_time on firing_keys using brin (tenant_id, user_id, received_at);

-- the calls this migration can still see: occasions waiting, and those acted on (their suggestion)
insert into firing_keys (tenant_id, user_id, character_id, trigger_id, occasion_key, received_at)
select tenant_id, user_id, character_id, trigger_id, occasion_key, created_at from occasions
where occasion_key like 'hook:%' or occasion_key like 'fire:%'
union all
select tenant_id, user_id, character_id, trigger_id, occasion_key, created_at from suggestions
where occasion_key like 'hook:%' or occasion_key like 'fire:%'
on conflict do nothing;
