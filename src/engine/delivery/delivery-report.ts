import { notFound, OvertureError } from '../../contract/errors.js';
import type { DeliveryReport, DeliveryView } from '../../contract/suggestion.schema.js';
import { deliveriesOfSuggestion, findDelivery, reportDelivery } from '../../storage/delivery.repository.js';
import { emitDelivery, emitOutcomes, emitSuggestionOf } from '../kernel/announcements.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';
import type { AttributedOutcome } from '../outcomes/attribution.js';
import { deliveryView } from './delivery-view.js';
import { recordMessageOut } from './message-out.js';

/**
 * What became of a message Overture did not see through: one handed to the bot on the stream
 * (the bot sent it, or could not), or one whose outcome is unknown (a person looked). Sent, it
 * is recorded as the user's `message_out`; a person's word on an unknown one is audited.
 */
export async function reportDeliveryOutcome(
  ctx: EngineContext,
  tenantId: string,
  deliveryId: string,
  report: DeliveryReport,
  actor: string,
): Promise<DeliveryView> {
  const now = ctx.clock.now();
  const triggers = report.status === 'sent' ? await ctx.triggers.get(tenantId) : [];
  let outcomes: AttributedOutcome[] = [];
  const written = await ctx.db.transaction().execute(async (trx) => {
    const before = await findDelivery(trx, tenantId, deliveryId);
    if (!before) throw notFound(`delivery "${deliveryId}"`);
    // the user's row before the suggestion's, in the order ingest and the sweep lock them
    if (report.status === 'sent') outcomes = await recordMessageOut(trx, ctx, before, triggers, now);
    const d = await reportDelivery(
      trx,
      tenantId,
      deliveryId,
      { status: report.status, reason: report.reason ?? null, externalId: report.externalId ?? null },
      now,
    );
    if (!d)
      throw new OvertureError(
        'conflict',
        `delivery "${deliveryId}" is ${before.status}; only a handed_off or unknown one takes a report`,
      );
    if (before.status === 'unknown')
      await appendAudit(ctx, trx, tenantId, now, {
        actor,
        action: 'delivery.resolved',
        subject: `delivery:${deliveryId}`,
        detail: { userId: d.userId, status: report.status, reason: report.reason ?? null },
      });
    return d;
  });
  emitDelivery(ctx, written);
  emitOutcomes(ctx, tenantId, outcomes);
  emitSuggestionOf(ctx, written, written.status === 'sent' ? 'sent' : 'failed');
  const [found] = (
    await deliveriesOfSuggestion(ctx.db, tenantId, written.userId, written.suggestionId)
  ).filter((x) => x.delivery.deliveryId === deliveryId);
  return deliveryView(found!.delivery, found!.attempts);
}
