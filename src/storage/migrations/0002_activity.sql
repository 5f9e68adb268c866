-- Activity model: per-user hour-of-week histograms and the tenant's population profile.
--
-- A user's model is one compact binary value (activity-codec.ts: two histograms of 168 float32
-- bins, the zone the local one is in, the last zone inference), about 1.4 KB: no row per hour.
-- The population is split into shards so that concurrent ingest batches of one tenant seldom
-- wait for the same row; readers add the shards up.

alter table tenants add column default_timezone text not null default 'UTC';

create table user_activity (
  tenant_id text not null,
  user_id text not null,
  model bytea not null,
  updated_at timestamptz not null,
  primary key (tenant_id, user_id),
  foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

create table tenant_activity (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  shard smallint not null,
  model bytea not null,
  updated_at timestamptz not null,
  primary key (tenant_id, shard)
);
