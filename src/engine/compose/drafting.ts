import { groupBy } from '../../domain/shared/group-by.js';
import {
  type ClaimedDraft,
  claimDrafts,
  type DraftOutcome,
  finishDraft,
} from '../../storage/draft.repository.js';
import { endRunsOfFailedMessages, type RunMoved } from '../../storage/funnel-delivery.repository.js';
import { setSuggestion } from '../../storage/suggestion.repository.js';
import { queueDelivery } from '../delivery/outbox.js';
import { funnelMessageOf } from '../funnels/funnel-runs.js';
import { emitDelivery, emitFunnel, emitSuggestion } from '../kernel/announcements.js';
import { eachAtOnce } from '../kernel/at-once.js';
import type { EngineContext } from '../kernel/resources.js';
import { type ComposeDeps, composeDraft } from './compose.js';
import { type DraftToCompose, loadTenantDrafts } from './compose-state.js';

interface DraftingOptions {
  /** This instance's claims carry it. */
  token: string;
  leaseMs: number;
  /** Suggestions claimed at a time. */
  batchSize: number;
  /** Suggestions composed at once (model calls are mostly waiting). */
  concurrency: number;
}

export interface DraftingResult {
  claimed: number;
  composed: number;
  ended: number;
  /** Outcomes not written: the lease ended and another instance took the draft over. */
  lost: number;
}

/**
 * Claims a batch of suggestions in `drafting` (any tenant; SKIP LOCKED and a lease, so instances
 * share the work and a crashed one's drafts come back), loads what composing them reads (a
 * handful of statements per tenant), composes each outside any transaction, and records where
 * each went. A draft whose loading or composing throws (the database went away, say) keeps its
 * claim until the lease ends, then is drafted again.
 */
export async function draftOnce(
  ctx: EngineContext,
  deps: ComposeDeps,
  options: DraftingOptions,
  signal: AbortSignal,
): Promise<DraftingResult> {
  const now = ctx.clock.now();
  const drafts = await claimDrafts(
    ctx.db,
    options.token,
    now,
    new Date(now.getTime() + options.leaseMs),
    options.batchSize,
  );
  const result: DraftingResult = { claimed: drafts.length, composed: 0, ended: 0, lost: 0 };
  const loaded = await loadClaimed(ctx, drafts);
  await eachAtOnce(loaded, options.concurrency, signal, async (draft) => {
    try {
      const outcome = await composeDraft(ctx, deps, draft, signal);
      await record(ctx, draft.claim, options.token, outcome, result);
    } catch (error) {
      if (!signal.aborted)
        ctx.logger.error(
          { err: error, suggestionId: draft.claim.suggestionId },
          'drafting a suggestion failed',
        );
    }
  });
  return result;
}

/** The claimed drafts, in claim order, with what composing them reads, loaded a tenant at a time. */
async function loadClaimed(ctx: EngineContext, drafts: readonly ClaimedDraft[]): Promise<DraftToCompose[]> {
  const byTenant = groupBy(drafts, (d) => d.tenantId);
  const loaded = new Map<ClaimedDraft, DraftToCompose>();
  await Promise.all(
    [...byTenant].map(async ([tenantId, list]) => {
      // a tenant whose drafts cannot be loaded keeps its claims until the lease ends
      try {
        for (const draft of await loadTenantDrafts(ctx, tenantId, list)) loaded.set(draft.claim, draft);
      } catch (error) {
        ctx.logger.error({ err: error, tenantId, drafts: list.length }, 'loading drafts failed');
      }
    }),
  );
  return drafts.flatMap((d) => loaded.get(d) ?? []);
}

/**
 * Writes the draft's outcome if the claim still holds. One approved without review (`auto`) has
 * its delivery queued in the same transaction (a funnel's, with its step's buttons); with no
 * reachable address it ends `failed` with that reason instead. A funnel message that will not be
 * sent ends the run waiting on it.
 */
async function record(
  ctx: EngineContext,
  draft: ClaimedDraft,
  token: string,
  outcome: DraftOutcome,
  result: DraftingResult,
) {
  const now = ctx.clock.now();
  let funnelMoves: RunMoved[] = [];
  const written = await ctx.db.transaction().execute(async (trx) => {
    if (!(await finishDraft(trx, draft, token, outcome, now))) return null;
    const ended = async (reason: string) => {
      if (draft.funnel)
        funnelMoves = await endRunsOfFailedMessages(
          trx,
          draft.tenantId,
          [{ userId: draft.userId, ...draft.funnel }],
          reason,
          now,
        );
    };
    if (outcome.status === 'dismissed' || outcome.status === 'expired')
      await ended(outcome.reason ?? outcome.status);
    if (outcome.status !== 'approved' || outcome.text === null)
      return { delivery: null, reason: outcome.reason };
    const writtenFor = outcome.composition.audience === 'public' ? 'public' : 'private';
    const funnel =
      draft.funnel && (await funnelMessageOf(ctx, trx, draft.tenantId, draft.userId, draft.funnel));
    const queued = await queueDelivery(trx, ctx, draft, { text: outcome.text, writtenFor }, now, funnel);
    if (!queued.delivery) {
      await setSuggestion(trx, draft, { status: 'failed', reason: queued.reason }, now);
      await ended(queued.reason);
    }
    return queued;
  });
  if (!written) {
    result.lost++;
    return;
  }
  if (outcome.status === 'pending' || outcome.status === 'approved') result.composed++;
  else result.ended++;
  ctx.events.emit('suggestion.drafted', {
    tenantId: draft.tenantId,
    suggestionId: draft.suggestionId,
    userId: draft.userId,
    characterId: draft.characterId,
    status: outcome.status,
    composer: outcome.composer,
  });
  const failed = outcome.status === 'approved' && !written.delivery;
  emitSuggestion(ctx, draft.tenantId, {
    suggestion_id: draft.suggestionId,
    user_id: draft.userId,
    character_id: draft.characterId,
    status: failed ? 'failed' : outcome.status,
    status_reason: failed ? written.reason : outcome.reason,
    text: outcome.text,
  });
  if (written.delivery) emitDelivery(ctx, written.delivery);
  emitFunnel(ctx, draft.tenantId, funnelMoves);
}
