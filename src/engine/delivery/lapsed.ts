import { groupBy } from '../../domain/shared/group-by.js';
import { IDEMPOTENT_CHANNELS } from '../../ports/channel.js';
import { recoverLapsed } from '../../storage/delivery.repository.js';
import { endRunsOfFailedMessages } from '../../storage/funnel-delivery.repository.js';
import { expirePending } from '../../storage/suggestion.repository.js';
import { emitDelivery, emitFunnel, emitSuggestion, emitSuggestionOf } from '../kernel/announcements.js';
import type { EngineContext } from '../kernel/resources.js';

/**
 * What time let lapse in the outbox, done by the deliverer once per interval of the clock: pending
 * suggestions whose time ran out expire (a funnel's hook among them ends its run), and deliveries
 * whose worker's lease lapsed are recovered (`recoverLapsed`). Up to `limit` of each; returns how many.
 */
export async function sweepLapsed(ctx: EngineContext, now: Date, limit: number) {
  const expired = await expirePending(ctx.db, now, limit);
  for (const s of expired) emitSuggestion(ctx, s.tenant_id, s);
  await endFunnelsOfExpired(ctx, expired, now);

  const recovered = await recoverLapsed(ctx.db, now, IDEMPOTENT_CHANNELS, limit);
  for (const d of recovered) {
    emitDelivery(ctx, d);
    if (d.status === 'unknown') emitSuggestionOf(ctx, d, 'unknown');
  }
  return { expired: expired.length, recovered: recovered.length };
}

/** Funnel hooks that expired before a person approved them end their runs. */
async function endFunnelsOfExpired(
  ctx: EngineContext,
  expired: readonly {
    tenant_id: string;
    user_id: string;
    funnel_run_id: string | null;
    funnel_seq: number | null;
  }[],
  now: Date,
) {
  const hooks = expired.filter((s) => s.funnel_run_id !== null);
  for (const [tenantId, list] of groupBy(hooks, (s) => s.tenant_id)) {
    const at = list.map((s) => ({ userId: s.user_id, runId: s.funnel_run_id!, seq: s.funnel_seq ?? 0 }));
    emitFunnel(
      ctx,
      tenantId,
      await endRunsOfFailedMessages(ctx.db, tenantId, at, 'expired before it was approved', now),
    );
  }
}
