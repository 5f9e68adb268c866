import { notFound, OvertureError } from '../../contract/errors.js';
import type { ApproveInput, DismissInput } from '../../contract/suggestion.schema.js';
import { type DeliveryRow, insertDelivery } from '../../storage/delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import {
  EXPIRED_BEFORE_APPROVAL,
  findSuggestion,
  type SuggestionRow,
  setSuggestion,
} from '../../storage/suggestion.repository.js';
import { findDeliveryTarget } from '../delivery/delivery-target.js';
import { appendAudit } from '../kernel/audit.js';
import { newId } from '../kernel/ids.js';
import type { EngineContext } from '../kernel/resources.js';

/** Where an approved suggestion went: a delivery queued, or nowhere to send it. */
export type Queued = { delivery: DeliveryRow } | { delivery: null; reason: string };

/**
 * Writes the delivery of a suggestion just approved, in the caller's transaction (the outbox:
 * approval and delivery commit together, or neither does), to the channel `findDeliveryTarget`
 * chooses. With no reachable address it writes nothing and says why.
 */
export async function queueDelivery(
  trx: Db,
  ctx: EngineContext,
  s: { tenantId: string; userId: string; suggestionId: string; characterId: string; expiresAt: Date },
  text: string,
  now: Date,
): Promise<Queued> {
  const target = await findDeliveryTarget(trx, s.tenantId, s.userId, s.characterId);
  if (target.channel === null) return { delivery: null, reason: target.reason };
  const delivery = await insertDelivery(
    trx,
    s.tenantId,
    {
      deliveryId: newId('dlv', now.getTime()),
      userId: s.userId,
      suggestionId: s.suggestionId,
      characterId: s.characterId,
      channel: target.channel as DeliveryRow['channel'],
      address: target.address,
      text,
      maxAttempts: ctx.delivery.maxAttempts,
      expiresAt: s.expiresAt,
    },
    now,
  );
  // the unique key: a suggestion has one delivery, whoever approved it
  if (!delivery) throw new OvertureError('conflict', `suggestion "${s.suggestionId}" has a delivery already`);
  return { delivery };
}

/**
 * A person approves a pending suggestion, optionally with their own text: it moves to `approved`
 * and its delivery is queued in the same transaction. The row is locked first, so of two
 * approvals at once one wins and the other finds it handled (409). An expired one is marked
 * `expired` and refused (409); so is one with no reachable address, which stays pending (an
 * address may be added, and it approved again).
 */
export async function approveSuggestion(
  ctx: EngineContext,
  tenantId: string,
  suggestionId: string,
  input: ApproveInput,
  actor: string,
): Promise<{ suggestion: SuggestionRow; delivery: DeliveryRow }> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const s = await mustBePending(trx, tenantId, suggestionId, 'approved');
    if (s.expires_at <= now) {
      await setSuggestion(
        trx,
        keyOf(tenantId, s),
        { status: 'expired', reason: EXPIRED_BEFORE_APPROVAL },
        now,
      );
      return { expired: true as const };
    }
    const text = input?.text ?? s.text;
    if (text === null) throw new OvertureError('conflict', `suggestion "${suggestionId}" has no text`);
    const queued = await queueDelivery(
      trx,
      ctx,
      { ...keyOf(tenantId, s), expiresAt: s.expires_at },
      text,
      now,
    );
    if (!queued.delivery)
      throw new OvertureError('conflict', `suggestion "${suggestionId}" cannot be sent: ${queued.reason}`);
    const edited = input?.text !== undefined && input.text !== s.text;
    await setSuggestion(
      trx,
      keyOf(tenantId, s),
      {
        status: 'approved',
        reason: null,
        handledBy: actor,
        text,
        ...(edited ? { composedText: s.text } : {}),
      },
      now,
    );
    await appendAudit(trx, tenantId, now, {
      actor,
      action: 'suggestion.approved',
      subject: `suggestion:${suggestionId}`,
      detail: { userId: s.user_id, characterId: s.character_id, edited, channel: queued.delivery.channel },
    });
    return { expired: false as const, delivery: queued.delivery };
  });
  if (result.expired) {
    const s = (await findSuggestion(ctx.db, tenantId, suggestionId))!;
    emitSuggestion(ctx, tenantId, s);
    throw new OvertureError(
      'conflict',
      `suggestion "${suggestionId}" expired at ${s.expires_at.toISOString()}`,
    );
  }
  const suggestion = (await findSuggestion(ctx.db, tenantId, suggestionId))!;
  emitSuggestion(ctx, tenantId, suggestion);
  emitDelivery(ctx, result.delivery);
  return { suggestion, delivery: result.delivery };
}

/** A person dismisses a pending suggestion, with a reason: nothing is sent, and it stays on record. */
export async function dismissSuggestion(
  ctx: EngineContext,
  tenantId: string,
  suggestionId: string,
  input: DismissInput,
  actor: string,
): Promise<SuggestionRow> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const s = await mustBePending(trx, tenantId, suggestionId, 'dismissed');
    await setSuggestion(
      trx,
      keyOf(tenantId, s),
      { status: 'dismissed', reason: input.reason, handledBy: actor },
      now,
    );
    await appendAudit(trx, tenantId, now, {
      actor,
      action: 'suggestion.dismissed',
      subject: `suggestion:${suggestionId}`,
      detail: { userId: s.user_id, characterId: s.character_id, reason: input.reason },
    });
  });
  const suggestion = (await findSuggestion(ctx.db, tenantId, suggestionId))!;
  emitSuggestion(ctx, tenantId, suggestion);
  return suggestion;
}

async function mustBePending(trx: Db, tenantId: string, suggestionId: string, verb: string) {
  const s = await findSuggestion(trx, tenantId, suggestionId, true);
  if (!s) throw notFound(`suggestion "${suggestionId}"`);
  if (s.status !== 'pending') {
    const why = s.status === 'drafting' ? 'is still being written' : `is ${s.status} already`;
    throw new OvertureError(
      'conflict',
      `suggestion "${suggestionId}" ${why}; only a pending one can be ${verb}`,
    );
  }
  return s;
}

const keyOf = (tenantId: string, s: SuggestionRow) => ({
  tenantId,
  userId: s.user_id,
  suggestionId: s.suggestion_id,
  characterId: s.character_id,
});

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

/** The suggestion of a delivery moved to `status` along with it. */
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

export function emitDelivery(ctx: EngineContext, d: DeliveryRow) {
  ctx.events.emit('delivery.updated', {
    tenantId: d.tenantId,
    deliveryId: d.deliveryId,
    suggestionId: d.suggestionId,
    userId: d.userId,
    characterId: d.characterId,
    channel: d.channel,
    address: d.address,
    status: d.status,
    attempts: d.attempts,
    reason: d.reason,
    text: d.text,
  });
}
