import { sql } from 'kysely';
import type { Db } from './schema.js';

/**
 * Counts one request in `bucket`'s fixed window and returns the count so far and when the window
 * ends. One statement: concurrent requests of every instance serialise on the bucket's row, so
 * no two see the same count. A window that ended at or before `now` starts again at 1.
 */
export async function countRequest(
  db: Db,
  bucket: string,
  now: Date,
  windowMs: number,
): Promise<{ hits: number; resetsAt: Date }> {
  const resetsAt = new Date(now.getTime() + windowMs);
  const row = await db
    .insertInto('request_counters')
    .values({ bucket, hits: 1, resets_at: resetsAt })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet({
        hits: sql<number>`case when request_counters.resets_at <= ${now} then 1 else request_counters.hits + 1 end`,
        resets_at: sql<Date>`case when request_counters.resets_at <= ${now} then ${resetsAt}::timestamptz else request_counters.resets_at end`,
      }),
    )
    .returning(['hits', 'resets_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), resetsAt: new Date(row.resets_at) };
}

/** `bucket`'s count in its current window without counting (0 when it has none). */
export async function readRequestCount(
  db: Db,
  bucket: string,
  now: Date,
): Promise<{ hits: number; resetsAt: Date | null }> {
  const row = await db
    .selectFrom('request_counters')
    .select(['hits', 'resets_at'])
    .where('bucket', '=', bucket)
    .where('resets_at', '>', now)
    .executeTakeFirst();
  return row ? { hits: Number(row.hits), resetsAt: new Date(row.resets_at) } : { hits: 0, resetsAt: null };
}

/** Deletes the counters whose window ended before `now`; returns how many. */
export async function deleteEndedCounters(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('request_counters').where('resets_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
