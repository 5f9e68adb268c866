-- The scheduler, stored occasions, decisions and suggestions.

-- When each (user, character) pair is next due: the earliest instant at which one of its triggers
-- could fire (a silence deadline, a schedule's next occurrence in the user's zone, a deferral, a
-- stored occasion). Null: nothing can fire until something happens (the user writes, a person
-- changes the policy or a trigger), which sets it again.
--
-- A claim stamps claim_token and lease_until and leaves next_due_at alone: no indexed column
-- changes, so the row is updated in place (HOT, hence the fillfactor) and the claim writes no
-- index entry; a crashed instance's pairs are claimable again when the lease ends. hint_at keeps
-- the earliest instant that ingest asked for while the pair was claimed, so the claimer's result
-- cannot overwrite it.
create table pair_schedules (
  tenant_id text not null,
  user_id text not null,
  character_id text not null,
  next_due_at timestamptz,
  hint_at timestamptz,
  claim_token text,
  lease_until timestamptz,
  decided_at timestamptz,
  primary key (tenant_id, user_id, character_id)
) with (fillfactor = 80);
-- The one index that does not lead with (tenant_id, user_id): the scheduler reads the pairs of a
-- tenant by due time. It leads with tenant_id, so it still distributes by tenant.
create index pair_schedules_due on pair_schedules (tenant_id, next_due_at) where next_due_at is not null;

-- Reasons to speak that happened once and wait to be decided: an event that matched an event
-- trigger, a signed webhook call, a manual firing. Deleted when acted on; skipped once expired.
create table occasions (
  tenant_id text not null,
  user_id text not null,
  character_id text not null,
  trigger_id text not null,
  occasion_key text not null,
  at timestamptz not null,
  expires_at timestamptz not null,
  detail jsonb,
  created_at timestamptz not null,
  primary key (tenant_id, user_id, character_id, trigger_id, occasion_key)
);

-- Every decision that acts, defers or is blocked, with the trace of every check, so that anyone
-- can ask why a message was (or was not) sent. decision_id sorts by time. The trace is json, not
-- jsonb (it is written far more often than read, and never queried into), and rows up to 4 KB
-- stay in line uncompressed: TOAST compression of the ~2 KB traces cost more than it saved.
create table decisions (
  tenant_id text not null,
  user_id text not null,
  decision_id text not null,
  character_id text not null,
  decided_at timestamptz not null,
  action text not null check (action in ('send', 'queue', 'defer', 'skip')),
  reason text,
  trigger_id text,
  occasion_key text,
  occasion jsonb,
  until_at timestamptz,
  trace json not null,
  suggestion_id text,
  primary key (tenant_id, user_id, decision_id)
) with (toast_tuple_target = 4080);
create index decisions_by_pair on decisions (tenant_id, user_id, character_id, decision_id);

-- A decision to speak makes one suggestion: at most one per (user, character, trigger, occasion)
-- whatever the number of instances, retries and restarts, enforced by the unique key.
create table suggestions (
  tenant_id text not null,
  user_id text not null,
  suggestion_id text not null,
  character_id text not null,
  trigger_id text not null,
  occasion_key text not null,
  status text not null check (status in ('drafting', 'pending', 'approved', 'sending', 'sent', 'dismissed', 'expired', 'failed')),
  approval text not null check (approval in ('auto', 'suggest', 'manual')),
  decision_id text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  expires_at timestamptz not null,
  primary key (tenant_id, user_id, suggestion_id),
  unique (tenant_id, user_id, character_id, trigger_id, occasion_key)
);
create index suggestions_by_user_time on suggestions (tenant_id, user_id, created_at);

-- Signatures of webhook calls already accepted, for refusing replays inside the 5-minute window.
create table webhook_calls (
  tenant_id text not null,
  trigger_id text not null,
  signature text not null,
  received_at timestamptz not null,
  primary key (tenant_id, trigger_id, signature)
);

-- A change to the policy, a trigger or a character makes every pair of the tenant due again, in
-- chunks, by whichever instance gets there; the cursor survives restarts.
alter table tenants
  add column rearm_at timestamptz,
  add column rearm_user text,
  add column rearm_character text;

-- Pairs that exist already are due now, so that each gets its first next_due_at.
insert into pair_schedules (tenant_id, user_id, character_id, next_due_at)
select tenant_id, user_id, character_id, timestamptz '1970-01-01 00:00:00+00' from user_characters;
