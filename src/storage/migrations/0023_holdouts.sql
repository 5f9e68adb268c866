-- Holdouts (issue 17, item 6): a trigger may hold out a share of the decisions that would speak,
-- so that what its messages change can be measured against users who got none.
--
-- `holdout_percent` (0-50): the probability, in percent, that a decision of the trigger that
-- would send or queue is held out instead. `holdout_unit`: `user` draws once per (user, trigger)
-- (the same user is always in or always out), `decision` once per occasion.
alter table triggers
  add column holdout_percent double precision not null default 0 check (holdout_percent between 0 and 50),
  add column holdout_unit text not null default 'user' check (holdout_unit in ('user', 'decision'));

-- A held-out decision is stored as one, with the probability it was drawn against; decisions that
-- send or queue under a holdout carry theirs too (the report compares the two arms). The widened
-- checks are added `not valid`: every existing row satisfies the narrower one, so scanning the
-- largest table of the schema (decisions) under its lock would prove nothing.
alter table decisions drop constraint decisions_action_check;
alter table decisions add constraint decisions_action_check
  check (action in ('send', 'queue', 'defer', 'skip', 'held_out')) not valid;
alter table decisions add column holdout_probability double precision;

-- The occasion a held-out decision was about is used, as one sent is: a suggestion row in
-- `held_out` holds its unique key (user, character, trigger, occasion), so it is never decided
-- again, and it never drafts or delivers (no worker claims that status).
alter table suggestions drop constraint suggestions_status_check;
alter table suggestions add constraint suggestions_status_check
  check (status in ('drafting', 'pending', 'approved', 'sending', 'sent', 'dismissed', 'expired', 'failed',
                    'unknown', 'held_out')) not valid;

-- The engagement report reads a tenant's held-out decisions and sent messages of a period.
-- Decisions have a BRIN index on their time (0007); outcomes get one too (written in time order).
create index outcomes_by_time on outcomes using brin (tenant_id, user_id, at);
