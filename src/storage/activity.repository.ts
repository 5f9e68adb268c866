import { sql } from 'kysely';
import type { Histogram } from '../domain/activity/histogram.js';
import type { UserActivity } from '../domain/activity/user-activity.js';
import {
  decodePopulation,
  decodeUserActivity,
  encodePopulation,
  encodeUserActivity,
} from './codecs/activity-codec.js';
import type { Db } from './schema.js';

/** Shards of a tenant's population profile; see migrations/0002_activity.sql. */
export const POPULATION_SHARDS = 16;

/** A user's zone and activity model as stored, with the model's write count. */
export interface StoredActivity {
  timezone: string | null;
  model: UserActivity | null;
  /** How many times the model was written (0: never); ingest writes only over the version it read. */
  version: number;
}

/**
 * The users' zones and models. Ingest reads them without locking and writes each model back with
 * the user's counters, only if its version is still the one read (`applyUserDeltas`); inside a
 * transaction that already holds the rows, the read is stable.
 *
 * One primary-key probe per id, whatever the statistics say: written as `user_id = any($ids)`,
 * a table that grew faster than autovacuum analyses it (a first import) looked selective on
 * `tenant_id` alone, and PostgreSQL scanned the tenant's every row for each batch (84 ms
 * instead of 6 ms a batch of 1,000 at 100,000 users; docs/BENCHMARKS.md).
 */
export async function readUserActivities(db: Db, tenantId: string, userIds: readonly string[]) {
  const stored = new Map<string, StoredActivity>();
  if (userIds.length === 0) return stored;
  const { rows } = await sql<{
    user_id: string;
    timezone: string | null;
    activity: Uint8Array | null;
    activity_version: string;
  }>`
    select u.user_id, u.timezone, u.activity, u.activity_version
    from unnest(${[...userIds]}::text[]) as k(user_id)
    cross join lateral (
      select user_id, timezone, activity, activity_version from users
      where tenant_id = ${tenantId} and user_id = k.user_id limit 1
    ) as u`.execute(db);
  for (const row of rows) {
    stored.set(row.user_id, {
      timezone: row.timezone,
      model: row.activity ? decodeUserActivity(row.activity) : null,
      version: Number(row.activity_version),
    });
  }
  return stored;
}

/**
 * The models as one binary value and where each starts (from 1, as SQL's substring counts): a
 * `bytea[]` parameter would travel as escaped hex text, twice the bytes and parsed on both sides.
 */
export function packModels(models: readonly (UserActivity | null)[]) {
  const encoded = models.map((m) => (m ? encodeUserActivity(m) : null));
  const starts: number[] = [];
  const lengths: number[] = [];
  let offset = 1;
  for (const bytes of encoded) {
    starts.push(offset);
    lengths.push(bytes ? bytes.length : -1);
    offset += bytes ? bytes.length : 0;
  }
  return { bytes: Buffer.concat(encoded.filter((b) => b !== null)), starts, lengths };
}

/**
 * Writes models computed from rows this transaction holds locked: the retry for users whose
 * model another batch wrote between ingest's unlocked read and its upsert.
 */
export async function writeUserActivities(db: Db, tenantId: string, models: Map<string, UserActivity>) {
  if (models.size === 0) return;
  const userIds = [...models.keys()].sort();
  const packed = packModels(userIds.map((id) => models.get(id)!));
  await sql`
    update users u set
      activity = substring(${packed.bytes}::bytea from m.start for m.length),
      activity_version = u.activity_version + 1,
      activity_writer = pg_current_xact_id()
    from unnest(${userIds}::text[], ${packed.starts}::int[], ${packed.lengths}::int[]) as m(user_id, start, length)
    where u.tenant_id = ${tenantId} and u.user_id = m.user_id`.execute(db);
}

/** Every shard of the tenant's population histogram (unlocked: for reading). */
export async function loadPopulationShards(db: Db, tenantId: string): Promise<Histogram[]> {
  const { rows } = await sql<{ model: Uint8Array }>`
    select model from tenant_activity where tenant_id = ${tenantId}`.execute(db);
  return rows.map((r) => decodePopulation(r.model)).filter((h) => h !== null);
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
  return (rows[0] && decodePopulation(rows[0].model)) ?? undefined;
}

export async function savePopulationShard(db: Db, tenantId: string, shard: number, h: Histogram, now: Date) {
  await sql`
    insert into tenant_activity (tenant_id, shard, model, updated_at)
    values (${tenantId}, ${shard}, ${encodePopulation(h)}, ${now})
    on conflict (tenant_id, shard) do update set model = excluded.model, updated_at = excluded.updated_at`.execute(
    db,
  );
}
