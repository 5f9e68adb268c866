import { sql } from 'kysely';
import type { Histogram } from '../domain/activity/histogram.js';
import type { UserActivity } from '../domain/activity/user-activity.js';
import {
  decodeHistogram,
  decodeUserActivity,
  encodeHistogram,
  encodeUserActivity,
} from './activity-codec.js';
import type { Db } from './database.js';

/** Shards of a tenant's population profile; see migrations/0002_activity.sql. */
export const POPULATION_SHARDS = 16;

export async function loadUserActivities(db: Db, tenantId: string, userIds: readonly string[]) {
  const models = new Map<string, UserActivity>();
  if (userIds.length === 0) return models;
  const { rows } = await sql<{ user_id: string; model: Uint8Array }>`
    select user_id, model from user_activity
    where tenant_id = ${tenantId} and user_id = any(${[...userIds]}::text[])`.execute(db);
  for (const row of rows) models.set(row.user_id, decodeUserActivity(row.model));
  return models;
}

/**
 * Writes the models, in user order (the caller already holds these users' rows locked). All
 * models travel as one binary parameter sliced in SQL: a `bytea[]` parameter is sent as escaped
 * hex text, twice the bytes and parsed on both sides.
 */
export async function saveUserActivities(
  db: Db,
  tenantId: string,
  models: Map<string, UserActivity>,
  now: Date,
) {
  if (models.size === 0) return;
  const userIds = [...models.keys()].sort();
  const encoded = userIds.map((id) => encodeUserActivity(models.get(id)!));
  const starts: number[] = [];
  let offset = 1; // substring() counts from 1
  for (const bytes of encoded) {
    starts.push(offset);
    offset += bytes.length;
  }
  await sql`
    insert into user_activity (tenant_id, user_id, model, updated_at)
    select ${tenantId}, m.user_id, substring(${Buffer.concat(encoded)}::bytea from m.start for m.length), ${now}
    from unnest(${userIds}::text[], ${starts}::int[], ${encoded.map((b) => b.length)}::int[]) as m(user_id, start, length)
    on conflict (tenant_id, user_id) do update set model = excluded.model, updated_at = excluded.updated_at`.execute(
    db,
  );
}

/** Every shard of the tenant's population histogram (unlocked: for reading). */
export async function loadPopulationShards(db: Db, tenantId: string): Promise<Histogram[]> {
  const { rows } = await sql<{ model: Uint8Array }>`
    select model from tenant_activity where tenant_id = ${tenantId}`.execute(db);
  return rows.map((r) => decodeHistogram(r.model));
}

/** One shard, locked until the transaction ends, for a read-modify-write. */
export async function lockPopulationShard(
  db: Db,
  tenantId: string,
  shard: number,
): Promise<Histogram | undefined> {
  const { rows } = await sql<{ model: Uint8Array }>`
    select model from tenant_activity where tenant_id = ${tenantId} and shard = ${shard} for update`.execute(
    db,
  );
  return rows[0] && decodeHistogram(rows[0].model);
}

export async function savePopulationShard(db: Db, tenantId: string, shard: number, h: Histogram, now: Date) {
  await sql`
    insert into tenant_activity (tenant_id, shard, model, updated_at)
    values (${tenantId}, ${shard}, ${encodeHistogram(h)}, ${now})
    on conflict (tenant_id, shard) do update set model = excluded.model, updated_at = excluded.updated_at`.execute(
    db,
  );
}
