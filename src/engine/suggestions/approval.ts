import { notFound, OvertureError } from '../../contract/errors.js';
import type { ApproveInput, DismissInput } from '../../contract/suggestion.schema.js';
import type { DeliveryRow } from '../../storage/delivery.repository.js';
import { endRunsOfFailedMessages, type RunMoved } from '../../storage/funnel-delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import {
  EXPIRED_BEFORE_APPROVAL,
  findSuggestion,
  type SuggestionRow,
  setSuggestion,
} from '../../storage/suggestion.repository.js';
import { queueDelivery } from '../delivery/outbox.js';
import { funnelMessageOf } from '../funnels/funnel-runs.js';
import { emitDelivery, emitFunnel, emitSuggestion } from '../kernel/announcements.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';

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
  let funnelMoves: RunMoved[] = [];
  const result = await ctx.db.transaction().execute(async (trx) => {
    const s = await mustBePending(trx, tenantId, suggestionId, 'approved');
    if (s.expires_at <= now) {
      await setSuggestion(
        trx,
        keyOf(tenantId, s),
        { status: 'expired', reason: EXPIRED_BEFORE_APPROVAL },
        now,
      );
      funnelMoves = await endFunnelOf(trx, tenantId, s, EXPIRED_BEFORE_APPROVAL, now);
      return { expired: true as const };
    }
    const text = input?.text ?? s.text;
    if (text === null) throw new OvertureError('conflict', `suggestion "${suggestionId}" has no text`);
    const funnel = funnelOf(s);
    const queued = await queueDelivery(
      trx,
      ctx,
      { ...keyOf(tenantId, s), expiresAt: s.expires_at },
      { text, writtenFor: s.composition?.audience === 'public' ? 'public' : 'private' },
      now,
      funnel && (await funnelMessageOf(ctx, trx, tenantId, s.user_id, funnel)),
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
    await appendAudit(ctx, trx, tenantId, now, {
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
    emitFunnel(ctx, tenantId, funnelMoves);
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
  let funnelMoves: RunMoved[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    const s = await mustBePending(trx, tenantId, suggestionId, 'dismissed');
    funnelMoves = await endFunnelOf(trx, tenantId, s, `dismissed: ${input.reason}`, now);
    await setSuggestion(
      trx,
      keyOf(tenantId, s),
      { status: 'dismissed', reason: input.reason, handledBy: actor },
      now,
    );
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'suggestion.dismissed',
      subject: `suggestion:${suggestionId}`,
      detail: { userId: s.user_id, characterId: s.character_id, reason: input.reason },
    });
  });
  const suggestion = (await findSuggestion(ctx.db, tenantId, suggestionId))!;
  emitSuggestion(ctx, tenantId, suggestion);
  emitFunnel(ctx, tenantId, funnelMoves);
  return suggestion;
}

/** A funnel's message: its run and place. */
const funnelOf = (s: SuggestionRow) =>
  s.funnel_run_id === null ? null : { runId: s.funnel_run_id, seq: s.funnel_seq ?? 0 };

/** A funnel hook that will not be sent ends its run. */
async function endFunnelOf(trx: Db, tenantId: string, s: SuggestionRow, reason: string, now: Date) {
  const funnel = funnelOf(s);
  return funnel
    ? endRunsOfFailedMessages(trx, tenantId, [{ userId: s.user_id, ...funnel }], reason, now)
    : [];
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
