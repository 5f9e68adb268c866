-- Outcomes are written once when their message is sent and updated whenever their reply changes
-- (engine/outcomes/attribution.ts, in the ingest transaction that holds the users' rows). The
-- update changes no indexed column, so with room left on the page it is made in place (HOT): no
-- new entry in the primary key or in outcomes_by_pair_time, which the next attribution reads.
-- Full pages (the default fillfactor, 100) made every reply's update write to another page and
-- to both indexes. Applies to pages filled from now on; existing ones keep their rows.
alter table outcomes set (fillfactor = 90);
