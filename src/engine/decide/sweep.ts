import { decide, usedKey } from '../../domain/decide/decide.js';
import type { Decision } from '../../domain/decide/decision.js';
import { holdOut } from '../../domain/decide/holdout.js';
import { nextWake } from '../../domain/decide/next-wake.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import { type DecisionRecord, insertDecisions } from '../../storage/decision.repository.js';
import { deleteOccasions } from '../../storage/occasion.repository.js';
import {
  closeOpenLoops,
  deleteLoopOccasions,
  lockOpenLoops,
  loopKey,
} from '../../storage/open-loop.repository.js';
import { allowsProactiveLocked, lockUsers } from '../../storage/pair-state.repository.js';
import { claimDuePairs, completePairs } from '../../storage/schedule.repository.js';
import type { Db } from '../../storage/schema.js';
import {
  insertSuggestions,
  loadSuggestionActs,
  type NewSuggestion,
  type SuggestionAct,
} from '../../storage/suggestion.repository.js';
import { pairKey } from '../../storage/user.repository.js';
import { dropRunsNotMade, type FunnelStart, startFunnels } from '../funnels/funnel-start.js';
import { newId } from '../kernel/ids.js';
import type { EngineContext } from '../kernel/resources.js';
import { ACTS_WINDOW_MS, actsOf, loadTenantBatch, type PairToDecide } from './sweep-state.js';

export interface SweepOptions {
  /** Pairs claimed per statement. */
  batchSize: number;
  /** How long a claim lasts; a crashed instance's pairs are due again after it. */
  leaseMs: number;
  /** Names this instance in its claims. */
  instanceId: string;
}

export interface SweepResult {
  claimed: number;
  decided: number;
  /** Decisions written (those that act, defer or are blocked; "nothing due" is not stored). */
  stored: number;
  suggestions: number;
}

let claims = 0;

const NOTHING_MADE: { outcomes: Outcome[]; suggestions: NewSuggestion[] } = { outcomes: [], suggestions: [] };

/**
 * Claims one batch of due pairs and decides each: stores the decisions that act, defer or are
 * blocked, creates a suggestion for each decision to speak, and sets each pair's next due time.
 */
export async function sweepOnce(ctx: EngineContext, options: SweepOptions): Promise<SweepResult> {
  const now = ctx.clock.now();
  const token = `${options.instanceId}:${++claims}`;
  const claimed = await claimDuePairs(ctx.db, {
    now,
    leaseUntil: new Date(now.getTime() + options.leaseMs),
    token,
    limit: options.batchSize,
  });
  const result: SweepResult = { claimed: claimed.length, decided: 0, stored: 0, suggestions: 0 };
  const byTenant = new Map<string, { userId: string; characterId: string }[]>();
  for (const c of claimed) {
    const list = byTenant.get(c.tenantId) ?? [];
    list.push({ userId: c.userId, characterId: c.characterId });
    byTenant.set(c.tenantId, list);
  }
  for (const [tenantId, pairs] of byTenant) {
    // a tenant whose batch fails keeps its claims until the lease ends, then is tried again
    try {
      const r = await decideTenantBatch(ctx, tenantId, pairs, now, token);
      result.decided += r.decided;
      result.stored += r.stored;
      result.suggestions += r.suggestions;
    } catch (error) {
      ctx.logger.error({ err: error, tenantId, pairs: pairs.length }, 'deciding a batch failed');
    }
  }
  return result;
}

interface Outcome {
  pair: PairToDecide;
  decision: Decision;
  record: DecisionRecord | null;
  suggestion: NewSuggestion | null;
  /** Whether the occasion acted on was a recorded one (an event, a webhook call), to delete. */
  storedOccasion: boolean;
  next: Date | null;
}

async function decideTenantBatch(
  ctx: EngineContext,
  tenantId: string,
  keys: readonly { userId: string; characterId: string }[],
  now: Date,
  token: string,
) {
  const nowMs = now.getTime();
  const batch = await loadTenantBatch(ctx, tenantId, keys, now);
  const outcomes: Outcome[] = [];
  const acting: PairToDecide[] = [];
  for (const pair of batch.pairs) {
    const decision = decide(pair.state, batch.triggers, pair.policy, nowMs);
    if (decision.action === 'send' || decision.action === 'queue') acting.push(pair);
    else outcomes.push(outcome(pair, decision, batch.triggers, nowMs));
  }
  // claimed pairs whose rows are gone (a user deleted meanwhile) are released with nothing due
  const found = new Set(batch.pairs.map((p) => pairKey(p.userId, p.characterId)));
  const gone = keys.filter((k) => !found.has(pairKey(k.userId, k.characterId)));

  const created = await ctx.db.transaction().execute(async (trx) => {
    const decidedAt = ctx.clock.now();
    const made = acting.length > 0 ? await act(trx, tenantId, acting, batch.triggers, now) : NOTHING_MADE;
    outcomes.push(...made.outcomes);
    await insertDecisions(
      trx,
      tenantId,
      outcomes.flatMap((o) => (o.record ? [o.record] : [])),
    );
    const claimed = outcomes.length + gone.length;
    const ended = await completePairs(
      trx,
      tenantId,
      token,
      [
        ...outcomes.map((o) => ({ userId: o.pair.userId, characterId: o.pair.characterId, next: o.next })),
        ...gone.map((g) => ({ ...g, next: null })),
      ],
      decidedAt,
    );
    // the rest outlived their lease, and another instance may have claimed them since
    if (ended < claimed)
      ctx.logger.warn(
        { tenantId, claimed, ended },
        'a batch was written after some of its claims had lapsed',
      );
    return made.suggestions;
  });

  for (const s of created)
    ctx.events.emit('suggestion.created', {
      tenantId,
      suggestionId: s.suggestionId,
      userId: s.userId,
      characterId: s.characterId,
      triggerId: s.triggerId,
      approval: s.approval,
    });
  const stored = outcomes.filter((o) => o.record).length;
  ctx.events.emit('decisions.made', {
    tenantId,
    decided: batch.pairs.length,
    stored,
    suggestions: created.length,
  });
  return { decided: batch.pairs.length, stored, suggestions: created.length };
}

/**
 * Decisions to speak, made again under the users' row locks with their suggestions read afresh,
 * so that two instances deciding two characters of one user at once cannot both pass a cap, and
 * under a share lock on the policy, so that turning `allowProactive` off stops them at once.
 * Each suggestion is inserted under its unique key; one that another instance made first is
 * not made again, and its pair is decided again at once.
 */
async function act(trx: Db, tenantId: string, pairs: PairToDecide[], triggers: Trigger[], now: Date) {
  const nowMs = now.getTime();
  const userIds = [...new Set(pairs.map((p) => p.userId))];
  await lockUsers(trx, tenantId, userIds);
  const allowed = await allowsProactiveLocked(trx, tenantId);
  const fresh = new Map<string, SuggestionAct[]>();
  for (const s of await loadSuggestionActs(trx, tenantId, userIds, new Date(nowMs - ACTS_WINDOW_MS))) {
    const list = fresh.get(s.userId);
    if (list) list.push(s);
    else fresh.set(s.userId, [s]);
  }
  const outcomes: Outcome[] = [];
  for (const pair of pairs) {
    const ofUser = fresh.get(pair.userId) ?? [];
    fresh.set(pair.userId, ofUser);
    const history = actsOf(ofUser, pair.characterId);
    pair.state = { ...pair.state, acts: history.acts, used: history.used };
    const policy = allowed ? pair.policy : { ...pair.policy, allowProactive: false };
    // a decision to speak that the trigger's holdout keeps silent is made here, under the locks,
    // so that it is the one stored with its suggestion row (the occasion used either way)
    const decision = holdOut(decide(pair.state, triggers, policy, nowMs), triggers, {
      tenantId,
      userId: pair.userId,
    });
    const result = outcome(pair, decision, triggers, nowMs);
    outcomes.push(result);
    if (result.suggestion) {
      // what this pair decided counts for the user's other pairs in this batch
      ofUser.push({
        userId: pair.userId,
        characterId: pair.characterId,
        triggerId: result.suggestion.triggerId,
        occasionKey: result.suggestion.occasionKey,
        status: result.suggestion.status,
        createdAtMs: nowMs,
      });
    }
  }
  await dropClosedLoops(trx, tenantId, outcomes, triggers, now);
  // a trigger that starts a funnel: which one, if any, under the same locks (a dismissed suggestion when the pair is in one)
  const runs = await startFunnels(trx, tenantId, funnelStarts(outcomes, triggers), now);
  const wanted = outcomes.flatMap((o) => (o.suggestion ? [o.suggestion] : []));
  const inserted = await insertSuggestions(trx, tenantId, wanted, now);
  await dropRunsNotMade(trx, tenantId, runs, inserted);
  for (const o of outcomes) {
    if (!o.suggestion || inserted.has(o.suggestion.suggestionId)) continue;
    // another instance acted on this occasion first: its decision stands; decide this pair again
    o.record = null;
    o.suggestion = null;
    o.next = now;
  }
  // an occasion a condition made (silence, a schedule) was never stored: only recorded ones go
  const used = outcomes.flatMap((o) =>
    o.suggestion && o.storedOccasion
      ? [
          {
            userId: o.pair.userId,
            characterId: o.pair.characterId,
            triggerId: o.suggestion.triggerId,
            key: o.suggestion.occasionKey,
          },
        ]
      : [],
  );
  // a follow-up made closes its open loop and drops the loop's occasions (this one and those of
  // other follow_up triggers); loops before occasions, the order closing one through the API locks them in
  // (a held-out follow-up leaves its loop open: nothing was asked)
  const followedUp = wanted.flatMap((s) => {
    const loop = inserted.has(s.suggestionId) && s.status === 'drafting' ? loopOf(s, triggers) : null;
    return loop ? [loop] : [];
  });
  await closeOpenLoops(trx, tenantId, followedUp, { reason: 'followed_up', note: null, at: now });
  await deleteOccasions(trx, tenantId, used);
  return {
    outcomes,
    // a held-out one is never drafted: nobody is told to draft it
    suggestions: wanted.filter((s) => inserted.has(s.suggestionId) && s.status === 'drafting'),
  };
}

/** The decisions to speak whose trigger starts a funnel. */
function funnelStarts(outcomes: readonly Outcome[], triggers: readonly Trigger[]): FunnelStart[] {
  return outcomes.flatMap((o) => {
    const s = o.suggestion;
    const trigger = s?.status === 'drafting' ? triggers.find((t) => t.id === s.triggerId) : undefined;
    if (!s || !trigger?.funnel) return [];
    return [
      {
        userId: o.pair.userId,
        characterId: o.pair.characterId,
        request: trigger.funnel,
        triggerId: trigger.id,
        engagement: o.pair.state.engagement?.state ?? null,
        suggestion: s,
        trace: o.decision.trace,
      },
    ];
  });
}

const LOOP_KEY = 'loop:';

/** The open loop a suggestion follows up, if it is a follow_up trigger's. */
function loopOf(s: NewSuggestion, triggers: readonly Trigger[]) {
  if (!s.occasionKey.startsWith(LOOP_KEY)) return null;
  if (!triggers.some((t) => t.id === s.triggerId && t.spec.kind === 'follow_up')) return null;
  return { userId: s.userId, loopId: s.occasionKey.slice(LOOP_KEY.length) };
}

/**
 * The follow-ups about to be made whose loop is closed by now (through the API, after the batch
 * was loaded) are not made: their pairs are decided again at once. The loops still open stay
 * locked until the end of the transaction, so none can be closed in between.
 */
async function dropClosedLoops(
  trx: Db,
  tenantId: string,
  outcomes: Outcome[],
  triggers: Trigger[],
  now: Date,
) {
  const loops = outcomes.flatMap((o) => {
    const loop = o.suggestion ? loopOf(o.suggestion, triggers) : null;
    return loop ? [{ outcome: o, ...loop }] : [];
  });
  if (loops.length === 0) return;
  const open = await lockOpenLoops(trx, tenantId, loops);
  const closed = loops.filter((l) => !open.has(loopKey(l.userId, l.loopId)));
  for (const { outcome: o } of closed) {
    o.record = null;
    o.suggestion = null;
    o.next = now;
  }
  // whatever closed it dropped them too; a leftover would be taken up again and again
  await deleteLoopOccasions(trx, tenantId, closed);
}

/**
 * The record to store (if any), the suggestion to make (if any: a held-out decision makes one in
 * `held_out`, which only holds its occasion) and the pair's next due time.
 */
function outcome(pair: PairToDecide, decision: Decision, triggers: Trigger[], nowMs: number): Outcome {
  const now = new Date(nowMs);
  const acts = decision.action === 'send' || decision.action === 'queue' || decision.action === 'held_out';
  const stored = acts || decision.action === 'defer' || decision.occasion !== null;
  const decisionId = stored ? newId('dec', nowMs) : '';
  let suggestion: NewSuggestion | null = null;
  let storedOccasion = false;
  if (acts) {
    const trigger = triggers.find((t) => t.id === decision.occasion.triggerId)!;
    suggestion = {
      suggestionId: newId('sug', nowMs),
      userId: pair.userId,
      characterId: pair.characterId,
      triggerId: decision.occasion.triggerId,
      occasionKey: decision.occasion.key,
      approval: trigger.approval,
      decisionId,
      expiresAt: new Date(decision.occasion.expiresAtMs),
      status: decision.action === 'held_out' ? 'held_out' : 'drafting',
    };
    // the occasion is used now: the next due time must not count it again
    const used = new Set(pair.state.used);
    used.add(usedKey(decision.occasion.triggerId, decision.occasion.key));
    const occasions = pair.state.occasions.filter(
      (o) => o.triggerId !== decision.occasion.triggerId || o.key !== decision.occasion.key,
    );
    storedOccasion = occasions.length < pair.state.occasions.length;
    pair.state = { ...pair.state, used, occasions };
  }
  const next = nextWake(pair.state, triggers, decision, nowMs);
  return {
    pair,
    decision,
    record: stored
      ? toRecord(
          pair,
          decision,
          decisionId,
          // a held-out decision made no suggestion a caller could see: its row only holds the occasion
          suggestion?.status === 'drafting' ? suggestion.suggestionId : null,
          now,
        )
      : null,
    suggestion,
    storedOccasion,
    next: next === null ? null : new Date(next),
  };
}

function toRecord(
  pair: PairToDecide,
  decision: Decision,
  decisionId: string,
  suggestionId: string | null,
  now: Date,
): DecisionRecord {
  return {
    decisionId,
    userId: pair.userId,
    characterId: pair.characterId,
    decidedAt: now,
    action: decision.action,
    reason: decision.action === 'skip' ? decision.reason : null,
    triggerId: decision.occasion?.triggerId ?? null,
    occasionKey: decision.occasion?.key ?? null,
    occasionAt: decision.occasion ? new Date(decision.occasion.atMs) : null,
    occasionExpiresAt: decision.occasion ? new Date(decision.occasion.expiresAtMs) : null,
    until: decision.action === 'defer' ? new Date(decision.untilMs) : null,
    trace: decision.trace,
    suggestionId,
    holdoutProbability: 'probability' in decision ? (decision.probability ?? null) : null,
  };
}
