import { groupBy } from '../../domain/shared/group-by.js';
import { lockDueRuns } from '../../storage/funnel.repository.js';
import type { EngineContext } from '../kernel/resources.js';
import { announceFunnelWrites, moveRun, noWrites, templateOfRun, templatesOf } from './funnel-runs.js';

/**
 * Expires the runs whose step timed out, a batch at a time, on any instance: the due runs are
 * locked (SKIP LOCKED, so instances share them) and each moved by a `timeout` input in the same
 * transaction; the run is no longer active once it commits, so however many instances race,
 * exactly one writes its `funnel_expired`. No timer in memory: the due time is in the database.
 * Returns the number expired.
 */
export async function expireDueRuns(ctx: EngineContext, limit: number): Promise<number> {
  const now = ctx.clock.now();
  const byTenant = new Map<string, ReturnType<typeof noWrites>>();
  const expired = await ctx.db.transaction().execute(async (trx) => {
    const due = await lockDueRuns(trx, now, limit);
    let count = 0;
    for (const [tenantId, rows] of groupBy(due, (r) => r.tenant_id)) {
      const templates = await templatesOf(ctx, trx, tenantId, rows);
      const writes = noWrites();
      byTenant.set(tenantId, writes);
      for (const row of rows) {
        const input = { kind: 'timeout' as const, stepId: row.step_id };
        const moved = await moveRun(
          trx,
          ctx,
          tenantId,
          row,
          templateOfRun(templates, row),
          input,
          now,
          writes,
        );
        if (moved.answer.event === 'funnel_expired') count++;
      }
    }
    return count;
  });
  for (const [tenantId, writes] of byTenant) announceFunnelWrites(ctx, tenantId, writes);
  return expired;
}
