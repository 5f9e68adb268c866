-- Decisions are the table the scheduler writes most (one row for each decision that acts, defers
-- or is blocked): their rows get leaner.
--
-- The occasion a decision is about moves from a JSON document to columns: its trigger and key
-- were columns already, its instants join them.
alter table decisions add column occasion_at timestamptz, add column occasion_expires_at timestamptz;
update decisions
set occasion_at = (occasion ->> 'at')::timestamptz, occasion_expires_at = (occasion ->> 'expiresAt')::timestamptz
where occasion is not null;
alter table decisions drop column occasion;

-- A user's decisions are read newest first through the primary key (tenant_id, user_id,
-- decision_id), one character's by filtering those: a user talks to a few characters. The second
-- index cost every insert a second index entry.
drop index decisions_by_pair;
