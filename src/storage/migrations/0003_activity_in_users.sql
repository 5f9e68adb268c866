-- The activity model moves into the user's row, so that ingest writes it in the same upsert that
-- merges the user's counters instead of rewriting a second row per user: with the model in its
-- own table, ingest on PostgreSQL ran at half the speed (docs/BENCHMARKS.md).
--
-- activity_version counts the writes of the model, so that ingest can compute a model from an
-- unlocked read and write it only if nobody wrote one meanwhile; activity_writer is the
-- transaction that wrote it, so that the upsert can say whether its model was the one kept.

alter table users
  add column activity bytea,
  add column activity_version bigint not null default 0,
  add column activity_writer xid8;

update users u set activity = a.model, activity_version = 1
from user_activity a
where a.tenant_id = u.tenant_id and a.user_id = u.user_id;

drop table user_activity;
