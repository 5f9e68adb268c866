import { sql } from 'kysely';
import type { Db } from './schema.js';

/** Requests to count in one bucket: `n` of them, in a window of `windowMs` should it start now. */
export interface BucketCount {
  bucket: string;
  n: number;
  windowMs: number;
}

/**
 * Counts requests in their buckets' fixed windows and returns each bucket's count after them and
 * when its window ends. One statement for them all: concurrent requests of every instance
 * serialise on each bucket's row, so no two see the same count; rows are taken in the buckets'
 * order, so two instances' statements cannot deadlock. A window that ended at or before `now`
 * starts again with these requests.
 */
export async function countRequests(
  db: Db,
  counts: readonly BucketCount[],
  now: Date,
): Promise<Map<string, { hits: number; resetsAt: Date }>> {
  const sorted = [...counts].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
  const { rows } = await sql<{ bucket: string; hits: number | string; resets_at: Date | string }>`
    insert into request_counters (bucket, hits, resets_at)
    select b, n, r
    from unnest(${sorted.map((c) => c.bucket)}::text[], ${sorted.map((c) => c.n)}::int[],
                ${sorted.map((c) => new Date(now.getTime() + c.windowMs).toISOString())}::timestamptz[]) with ordinality as x(b, n, r, i)
    order by i
    on conflict (bucket) do update set
      hits = case when request_counters.resets_at <= ${now} then excluded.hits
                  else request_counters.hits + excluded.hits end,
      resets_at = case when request_counters.resets_at <= ${now} then excluded.resets_at
                       else request_counters.resets_at end
    returning bucket, hits, resets_at`.execute(db);
  return new Map(rows.map((r) => [r.bucket, { hits: Number(r.hits), resetsAt: new Date(r.resets_at) }]));
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
