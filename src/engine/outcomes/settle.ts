import { groupBy } from '../../domain/shared/group-by.js';
import { settleOutcomes } from '../../storage/settled-outcome.repository.js';
import { emitOutcomes } from '../kernel/announcements.js';
import type { EngineContext } from '../kernel/resources.js';

/** Outcomes settled per statement. */
const SETTLE_BATCH = 500;

/**
 * One pass of settling: the outcomes whose attribution window has passed are stamped, and those
 * left without a reply are announced as `ignored` (`outcome.recorded`, which the stream and the
 * metrics hear). A reply that arrives later, inside the window (sent late), is announced again as
 * `replied` by attribution. Returns how many were settled and whether a full batch was.
 */
export async function settleDueOutcomes(ctx: EngineContext): Promise<{ settled: number; more: boolean }> {
  const settled = await settleOutcomes(ctx.db, ctx.clock.now(), SETTLE_BATCH);
  const ignored = settled.filter((o) => o.replyEventId === null);
  for (const [tenantId, outcomes] of groupBy(ignored, (o) => o.tenantId))
    emitOutcomes(
      ctx,
      tenantId,
      outcomes.map((o) => ({ ...o, meaning: null })),
    );
  return { settled: settled.length, more: settled.length === SETTLE_BATCH };
}
