import { expireOpenLoops } from '../../storage/open-loop.repository.js';
import { deleteBefore } from '../../storage/retention.repository.js';
import { listTenantIds } from '../../storage/tenant.repository.js';
import type { EngineContext } from '../kernel/resources.js';

const DAY = 86_400_000;
/**
 * How long the key of a call that fired a trigger (a hook call's id) is remembered: the same call
 * again within this time is a duplicate. A week covers any sender's retries; an occasion that
 * lives longer is a duplicate for as long as it waits all the same (its own key is unique).
 */
export const FIRING_KEY_DAYS = 7;
/** Rows deleted per statement: small enough that no statement holds many locks for long. */
const CHUNK = 5000;

export interface PruneResult {
  decisions: number;
  occasions: number;
  firingKeys: number;
  /** Open loops closed as expired: their follow-ups expired unused. */
  expiredLoops: number;
  /** Whether a chunk came back full: more is left to delete. */
  more: boolean;
}

/**
 * Deletes what is kept for a while only: decisions older than the retention period, recorded
 * occasions that expired (no decision can take one up any more), the keys of calls that fired a
 * trigger after `FIRING_KEY_DAYS`, after closing as expired the
 * open loops whose follow-ups those were. At most `chunks` statements
 * per tenant and table, so a large backlog is worked off over several calls. Any instance may
 * run it at any time; two running at once delete disjoint or already deleted rows.
 */
export async function pruneExpired(
  ctx: EngineContext,
  retentionDays: number,
  chunks = 4,
): Promise<PruneResult> {
  const now = ctx.clock.now();
  const before = new Date(now.getTime() - retentionDays * DAY);
  const result: PruneResult = { decisions: 0, occasions: 0, firingKeys: 0, expiredLoops: 0, more: false };
  const jobs = [
    { kind: 'decisions', what: { table: 'decisions', column: 'decided_at' }, before },
    { kind: 'occasions', what: { table: 'occasions', column: 'expires_at' }, before: now },
    {
      kind: 'firingKeys',
      what: { table: 'firing_keys', column: 'received_at' },
      before: new Date(now.getTime() - FIRING_KEY_DAYS * DAY),
    },
  ] as const;
  for (const tenantId of await listTenantIds(ctx.db)) {
    // before the occasions go: they are how an expired follow-up is found
    result.expiredLoops += await expireOpenLoops(ctx.db, tenantId, now, CHUNK * chunks);
    for (const job of jobs)
      for (let i = 0; i < chunks; i++) {
        const n = await deleteBefore(ctx.db, job.what, tenantId, job.before, CHUNK);
        result[job.kind] += n;
        if (n < CHUNK) break;
        if (i === chunks - 1) result.more = true;
      }
  }
  return result;
}
