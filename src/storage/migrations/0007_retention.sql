-- Retention: stored decisions are kept for a period (OVERTURE_DECISION_RETENTION_DAYS), recorded
-- occasions until they expire. Both tables are written in time order, so a BRIN index (a few
-- pages; next to nothing added to each insert) finds the old rows for the deleting job without
-- a B-tree on every row. They lead with (tenant_id, user_id), as every index does; BRIN
-- summarises each column on its own, so the deleting job's test on the time still prunes.
create index decisions_by_time on decisions using brin (tenant_id, user_id, decided_at);
create index occasions_by_expiry on occasions using brin (tenant_id, user_id, expires_at);
