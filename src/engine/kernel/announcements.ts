import type { StreamEventMap } from '../../contract/stream-event.js';
import { outcomeStatus, replyLatencySeconds } from '../../domain/outcomes/outcome-status.js';
import type { ReplyMeaning } from '../../domain/outcomes/reply-meaning.js';
import type { DeliveryRow } from '../../storage/delivery.repository.js';
import type { Reattributed } from '../../storage/outcome.repository.js';
import type { SuggestionRow } from '../../storage/suggestion.repository.js';
import type { EngineContext } from './resources.js';

/** Announces a suggestion's new status (`suggestion.updated`: the stream, metrics). */
export function emitSuggestion(
  ctx: EngineContext,
  tenantId: string,
  s: Pick<SuggestionRow, 'suggestion_id' | 'user_id' | 'character_id' | 'status' | 'status_reason' | 'text'>,
) {
  ctx.events.emit('suggestion.updated', {
    tenantId,
    suggestionId: s.suggestion_id,
    userId: s.user_id,
    characterId: s.character_id,
    status: s.status,
    reason: s.status_reason,
    text: s.text,
  });
}

/** Announces that the suggestion of a delivery moved to `status` along with it. */
export function emitSuggestionOf(
  ctx: EngineContext,
  d: DeliveryRow,
  status: 'sending' | 'sent' | 'failed' | 'unknown' | 'expired',
  reason: string | null = null,
) {
  emitSuggestion(ctx, d.tenantId, {
    suggestion_id: d.suggestionId,
    user_id: d.userId,
    character_id: d.characterId,
    status,
    status_reason: status === 'sending' ? null : (reason ?? d.reason),
    text: d.text,
  });
}

/** Announces a delivery as written (`delivery.updated`: the stream, metrics, the deliverer's wake-up). */
export function emitDelivery(ctx: EngineContext, d: DeliveryRow) {
  ctx.events.emit('delivery.updated', {
    tenantId: d.tenantId,
    deliveryId: d.deliveryId,
    suggestionId: d.suggestionId,
    userId: d.userId,
    characterId: d.characterId,
    channel: d.channel,
    address: d.address,
    audience: d.audience,
    status: d.status,
    attempts: d.attempts,
    reason: d.reason,
    text: d.text,
    choices: d.choices ? d.choices.map((c) => ({ label: c.label, data: c.data })) : null,
  });
}

/** A funnel's transition as `funnel.updated` announces it (the stream, metrics, tests). */
export type FunnelTransitionNote = Omit<StreamEventMap['funnel.updated'], 'tenantId'>;

/** Announces funnel transitions written (`funnel.updated`), in order. */
export function emitFunnel(ctx: EngineContext, tenantId: string, notes: readonly FunnelTransitionNote[]) {
  for (const n of notes) ctx.events.emit('funnel.updated', { tenantId, ...n });
}

/** Announces outcomes whose reply changed (`outcome.recorded`: the stream), with their status as of now. */
export function emitOutcomes(
  ctx: EngineContext,
  tenantId: string,
  outcomes: readonly (Reattributed & { meaning: Pick<ReplyMeaning, 'meaning'> | null })[],
) {
  const now = ctx.clock.now();
  for (const o of outcomes)
    ctx.events.emit('outcome.recorded', {
      tenantId,
      outcomeId: o.outcomeId,
      suggestionId: o.suggestionId,
      userId: o.userId,
      characterId: o.characterId,
      status: outcomeStatus(o, now),
      repliedAt: o.repliedAt?.toISOString() ?? null,
      replyEventId: o.replyEventId,
      latencySeconds: replyLatencySeconds(o.at, o.repliedAt),
      meaning: o.meaning?.meaning ?? null,
    });
}
