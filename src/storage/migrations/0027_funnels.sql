-- Funnels (issue 18): a proactive opener that is the first step of a short conversation.
--
-- `funnels` holds a tenant's templates by id; each change is a new row of `funnel_versions`, and
-- a run keeps the version it started on, so editing a funnel never moves a user's run onto steps
-- it was not sent. A deleted funnel keeps its versions (its runs end on them) and starts no more.
create table funnels (
  tenant_id text not null,
  funnel_id text not null,
  name text not null,
  version integer not null,
  deleted_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (tenant_id, funnel_id)
);

create table funnel_versions (
  tenant_id text not null,
  funnel_id text not null,
  version integer not null,
  definition jsonb not null,
  created_at timestamptz not null,
  primary key (tenant_id, funnel_id, version)
);

-- One user's run through a funnel with one character. `seq` counts the steps sent (the hook is 0):
-- a button carries it, so one from an earlier step, or an earlier visit of the same step, is
-- outdated. `step_sent_at` is null until the hook has left (a hook waiting for approval is not a
-- step the user has seen); `due_at` is when the current step times out, claimed by any instance.
create table funnel_runs (
  tenant_id text not null,
  user_id text not null,
  run_id text not null,
  character_id text not null,
  funnel_id text not null,
  version integer not null,
  trigger_id text not null,
  decision_id text not null,
  hook_suggestion_id text not null,
  status text not null check (status in ('active', 'completed', 'abandoned', 'expired')),
  step_id text not null,
  seq integer not null default 0,
  step_sent_at timestamptz,
  due_at timestamptz,
  started_at timestamptz not null,
  ended_at timestamptz,
  end_reason text,
  primary key (tenant_id, user_id, run_id)
);
-- At most one active run per (user, character): a start that loses the race inserts nothing.
create unique index funnel_runs_one_active on funnel_runs (tenant_id, user_id, character_id)
  where status = 'active';
create index funnel_runs_by_pair on funnel_runs (tenant_id, user_id, character_id, started_at);
create index funnel_runs_by_hook on funnel_runs (tenant_id, user_id, hook_suggestion_id);
-- The timeouts due, read across users by time, as the scheduler's due pairs are.
create index funnel_runs_due on funnel_runs (tenant_id, due_at) where status = 'active' and due_at is not null;

-- Every transition, append-only, with its reason. A typed reply that carried the bot's message id
-- is recorded under it once: the same message forwarded again gets the answer recorded then.
create table funnel_events (
  tenant_id text not null,
  user_id text not null,
  run_id text not null,
  event_no integer not null,
  funnel_id text not null,
  character_id text not null,
  type text not null,
  reason text not null,
  step_id text not null,
  seq integer not null,
  message_id text,
  answer jsonb,
  at timestamptz not null,
  primary key (tenant_id, user_id, run_id, event_no)
);
create unique index funnel_events_by_message on funnel_events (tenant_id, user_id, run_id, message_id)
  where message_id is not null;
-- The report reads a tenant's events of a period; they are written in time order.
create index funnel_events_by_time on funnel_events using brin (tenant_id, user_id, at);

-- A trigger may start a funnel instead of sending one message: a named one, or the best eligible.
alter table triggers add column funnel jsonb;

-- The hook is a suggestion like any other; the steps after it are suggestions too (approved at
-- once, through the same outbox), marked with their run and step so that they count against no
-- cap and make no outcome. `choices` are the buttons a delivery is sent with.
alter table suggestions add column funnel_run_id text;
alter table suggestions add column funnel_seq integer;
alter table deliveries add column choices jsonb;
-- A funnel's message names its run and place, so the outbox moves the run as it leaves or fails;
-- a step after the hook answers the user: sent at once, counted against no cap, no outcome.
alter table deliveries add column funnel_run_id text;
alter table deliveries add column funnel_seq integer;
alter table deliveries add column answers boolean not null default false;
