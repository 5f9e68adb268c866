import { retryDelayMs } from '../../domain/delivery/backoff.js';
import {
  type ClaimedDelivery,
  channelFailure,
  type DeliveryOutcome,
  notSent,
  outcomeOfSend,
  planDelivery,
} from '../../domain/delivery/delivery-plan.js';
import { assertNever } from '../../domain/shared/assert-never.js';
import type { ChannelAdapter, OpenedChannel } from '../../ports/channel.js';
import type { ChannelSettingsRecord } from '../../storage/channel-settings.repository.js';
import {
  type AttemptOutcome,
  claimDeliveries,
  type DeliveryRow,
  finishAttempt,
  startAttempt,
} from '../../storage/delivery.repository.js';
import {
  endRunsOfFailedMessages,
  type RunMoved,
  recordHookLeft,
} from '../../storage/funnel-delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import { markUnreachable } from '../../storage/unreachable-address.repository.js';
import { emitDelivery, emitFunnel, emitOutcomes, emitSuggestionOf } from '../kernel/announcements.js';
import { eachAtOnce } from '../kernel/at-once.js';
import type { EngineContext } from '../kernel/resources.js';
import type { AttributedOutcome } from '../outcomes/attribution.js';
import { openChannel } from './channel-settings.js';
import { claimedOf, type DeliveryToPlan, loadDeliveryBatch } from './delivery-state.js';
import { sweepLapsed } from './lapsed.js';
import { recordMessageOut } from './message-out.js';

export interface DeliveryDeps {
  /**
   * The adapter for a character's channel; `key` changes when its settings do (a cache key).
   * Rejects when the settings cannot make one.
   */
  adapterFor(opened: OpenedChannel, key: string): Promise<ChannelAdapter>;
  /** In [0, 1): the jitter of retry delays. */
  random(): number;
}

interface DeliveryOptions {
  /** This instance's claims carry it. */
  token: string;
  /** Longer than a platform call may take, so a live worker never loses a delivery it is sending. */
  leaseMs: number;
  batchSize: number;
  concurrency: number;
  /**
   * Whether this round first expires pending suggestions and recovers lapsed leases: both wait on
   * time passing, so the worker does it once per interval, not on every wake-up.
   */
  sweep: boolean;
}

/** How a round is stopped: first gently, then, after the shutdown's grace period, at once. */
export interface DeliverySignals {
  /** Nothing more is handed to a platform; what was claimed and not handed over goes back to the queue. */
  stop: AbortSignal;
  /** Sends still in flight are cut short (their adapters report what they can: often `unknown`). */
  abort: AbortSignal;
}

export interface DeliveryResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  unknown: number;
  handedOff: number;
  /** Held back until the user's quiet hours or conversation end, or put back in the queue unsent. */
  deferred: number;
  /** Lapsed leases recovered (requeued on idempotent channels, else unknown). */
  recovered: number;
  /** Pending suggestions expired. */
  expired: number;
  /** Outcomes not written: the lease lapsed meanwhile and was recovered. */
  lost: number;
}

const CHUNK = 500;
/** Rolls back an outcome whose claim another instance recovered meanwhile. */
const LEASE_LOST = new Error('the delivery lease was lost');

const emptyDeliveryResult = (): DeliveryResult => ({
  claimed: 0,
  sent: 0,
  retried: 0,
  failed: 0,
  unknown: 0,
  handedOff: 0,
  deferred: 0,
  recovered: 0,
  expired: 0,
  lost: 0,
});

/**
 * One round of the outbox, on any instance: expires pending suggestions whose time ran out and
 * recovers deliveries whose worker's lease lapsed (when `options.sweep`, `lapsed.ts`), then
 * claims due deliveries (SKIP LOCKED and a lease, committed before anything is sent), loads what
 * their checks read (`loadDeliveryBatch`) and plans each (`planDelivery`); those to send go through their channel's adapter outside any
 * transaction, several at once, and each outcome (`outcomeOfSend`) is recorded only while the
 * lease still holds. A message sent is recorded as the user's `message_out` in the same
 * transaction. A claimed delivery not handed to its platform (an error came first, or the worker
 * is stopping) goes back to the queue unsent, its attempt not counted: only a worker that
 * reached the adapter can leave a delivery that "may have been sent".
 */
export async function deliverOnce(
  ctx: EngineContext,
  deps: DeliveryDeps,
  options: DeliveryOptions,
  signals: DeliverySignals,
): Promise<DeliveryResult> {
  const now = ctx.clock.now();
  const result = emptyDeliveryResult();
  if (options.sweep) Object.assign(result, await sweepLapsed(ctx, now, CHUNK));
  if (signals.stop.aborted) return result;

  const claimed = await claimDeliveries(
    ctx.db,
    options.token,
    now,
    new Date(now.getTime() + options.leaseMs),
    options.batchSize,
  );
  result.claimed = claimed.length;
  if (claimed.length === 0) return result;
  for (const d of claimed) {
    emitDelivery(ctx, d);
    if (d.attempts === 1) emitSuggestionOf(ctx, d, 'sending');
  }
  let batch: DeliveryToPlan[];
  try {
    batch = await loadDeliveryBatch(ctx, claimed, now);
  } catch (error) {
    ctx.logger.error(
      { err: error, claimed: claimed.length },
      'loading deliveries failed; they go back to the queue',
    );
    for (const d of claimed) await putBack(ctx, deps, options.token, d, claimedOf(d), afterError, result);
    return result;
  }
  const started = new Set<DeliveryToPlan>();
  await eachAtOnce(batch, options.concurrency, signals.stop, async (item) => {
    started.add(item);
    await deliver(ctx, deps, options, item, signals, result);
  });
  // claimed, but the worker was asked to stop before their turn: for another instance, at once
  for (const item of batch)
    if (!started.has(item))
      await putBack(ctx, deps, options.token, item.delivery, item.claimed, whileStopping, result);
  return result;
}

/** Why a claimed delivery was not handed over, and when it is tried again. */
interface NotHandedOver {
  reason: string;
  retryAtMs(nowMs: number, deps: DeliveryDeps, ctx: EngineContext): number;
}

/** Stopping: another instance may send it at once. */
const whileStopping: NotHandedOver = {
  reason: 'the worker stopped before sending it',
  retryAtMs: (nowMs) => nowMs,
};

/** An error before the send (the database, say): again after the first retry's delay, not at once. */
const afterError: NotHandedOver = {
  reason: 'an error came before it was sent (see the log)',
  retryAtMs: (nowMs, deps, ctx) => nowMs + retryDelayMs(1, ctx.delivery.backoff, deps.random, null),
};

/**
 * Queues a claimed delivery that was never handed to its platform again (`notSent`), its attempt
 * not counted. Should that write fail too (the database is gone), its lease lapses and recovery
 * queues it again, since no attempt was handed over.
 */
async function putBack(
  ctx: EngineContext,
  deps: DeliveryDeps,
  token: string,
  d: DeliveryRow,
  claimed: ClaimedDelivery,
  why: NotHandedOver,
  result: DeliveryResult,
) {
  const nowMs = ctx.clock.now().getTime();
  try {
    await finish(ctx, token, d, notSent(claimed, why.reason, why.retryAtMs(nowMs, deps, ctx)), result);
  } catch (error) {
    ctx.logger.error(
      { err: error, deliveryId: d.deliveryId },
      'putting an unsent delivery back in the queue failed; it is queued again when its lease ends',
    );
  }
}

/**
 * Plans one claimed delivery and records its outcome, or sends it: the attempt is marked as handed
 * over (`startAttempt`) just before the adapter is called. What fails before that puts it back in
 * the queue; what fails after leaves it to recovery, which knows it may have been sent.
 */
async function deliver(
  ctx: EngineContext,
  deps: DeliveryDeps,
  options: DeliveryOptions,
  { delivery: d, claimed, state }: DeliveryToPlan,
  signals: DeliverySignals,
  result: DeliveryResult,
) {
  const token = options.token;
  let handedOver = false;
  try {
    const plan = planDelivery(claimed, state, ctx.clock.now().getTime());
    if (plan.action === 'record') return await finish(ctx, token, d, plan.outcome, result);
    let adapter: ChannelAdapter;
    try {
      adapter = await deps.adapterFor(
        openChannel(ctx, d.tenantId, plan.channel),
        adapterKey(d, plan.channel),
      );
    } catch (error) {
      return await finish(ctx, token, d, channelFailure(claimed, (error as Error).message), result);
    }
    if (signals.stop.aborted) return await putBack(ctx, deps, token, d, claimed, whileStopping, result);
    const now = ctx.clock.now();
    if (!(await startAttempt(ctx.db, d, token, now, new Date(now.getTime() + options.leaseMs)))) {
      // recovered by another instance meanwhile: it decides, and nothing is sent from here
      result.lost++;
      return;
    }
    handedOver = true;
    const sent = await adapter.send(
      {
        deliveryId: d.deliveryId,
        tenantId: d.tenantId,
        userId: d.userId,
        characterId: d.characterId,
        suggestionId: d.suggestionId,
        address: d.address,
        audience: d.audience,
        text: d.text,
        attempt: d.attempts,
        ...(d.choices ? { choices: d.choices } : {}),
      },
      AbortSignal.any([signals.abort, AbortSignal.timeout(ctx.delivery.timeoutMs)]),
    );
    const rules = { idempotent: adapter.idempotent, backoff: ctx.delivery.backoff, random: deps.random };
    await finish(ctx, token, d, outcomeOfSend(claimed, sent, rules, ctx.clock.now().getTime()), result);
  } catch (error) {
    if (handedOver) {
      // its lease lapses, and recovery records that it may have been sent
      if (!signals.abort.aborted)
        ctx.logger.error({ err: error, deliveryId: d.deliveryId }, 'recording a delivery failed');
      return;
    }
    ctx.logger.error(
      { err: error, deliveryId: d.deliveryId },
      'a delivery failed before it was sent; it goes back to the queue',
    );
    await putBack(ctx, deps, token, d, claimed, afterError, result);
  }
}

/**
 * Records the outcome (with the user's `message_out` once sent, and the funnel's run it moves, in
 * one transaction), then announces it; an address the platform refused is marked first, without
 * locking the user's row.
 */
async function finish(
  ctx: EngineContext,
  token: string,
  d: DeliveryRow,
  outcome: DeliveryOutcome,
  result: DeliveryResult,
) {
  if ((outcome.status === 'failed' || outcome.status === 'unknown') && outcome.unreachable)
    await markUnreachable(ctx.db, d, outcome.reason, ctx.clock.now());
  const now = ctx.clock.now();
  const triggers = outcome.status === 'sent' ? await ctx.triggers.get(d.tenantId) : [];
  let outcomes: AttributedOutcome[] = [];
  let funnelMoves: RunMoved[] = [];
  const movesRun = d.funnel ? funnelMoveOf(d, d.funnel, outcome, now) : null;
  const attempt = toAttemptOutcome(outcome);
  // the attempt alone is one statement; with the message_out or a funnel's run, one transaction
  const written =
    outcome.status !== 'sent' && movesRun === null
      ? await finishAttempt(ctx.db, d, token, attempt, now)
      : await ctx.db
          .transaction()
          .execute(async (trx) => {
            // the user's row first, as ingest and the sweep lock it (users, then their suggestions):
            // taking the suggestion's row first could deadlock with a sweep deciding that user
            if (outcome.status === 'sent') outcomes = await recordMessageOut(trx, ctx, d, triggers, now);
            const row = await finishAttempt(trx, d, token, attempt, now);
            // the lease was lost meanwhile (recovered by another instance): the message_out goes too
            if (!row) throw LEASE_LOST;
            if (movesRun) funnelMoves = await movesRun(trx);
            return row;
          })
          .catch((error) => {
            if (error === LEASE_LOST) return undefined;
            throw error;
          });
  if (!written) {
    result.lost++;
    return;
  }
  if (outcome.status === 'sent') result.sent++;
  else if (outcome.status === 'queued') result.retried++;
  else if (outcome.status === 'failed') result.failed++;
  else if (outcome.status === 'unknown') result.unknown++;
  else if (outcome.status === 'deferred') result.deferred++;
  else result.handedOff++;
  emitDelivery(ctx, written);
  emitOutcomes(ctx, d.tenantId, outcomes);
  emitFunnel(ctx, d.tenantId, funnelMoves);
  if (outcome.status !== 'queued' && outcome.status !== 'handed_off' && outcome.status !== 'deferred')
    emitSuggestionOf(
      ctx,
      written,
      outcome.status === 'failed' && outcome.expired ? 'expired' : outcome.status,
      written.reason,
    );
}

/**
 * A funnel's message left or failed: a hook that left starts its run's first step (its timeout
 * counts from now); a message that will never arrive ends the run waiting on it. Null when the
 * outcome moves no run.
 */
function funnelMoveOf(
  d: DeliveryRow,
  funnel: { runId: string; seq: number },
  outcome: DeliveryOutcome,
  now: Date,
): ((trx: Db) => Promise<RunMoved[]>) | null {
  const at = { userId: d.userId, ...funnel };
  if (outcome.status === 'failed')
    return (trx) => endRunsOfFailedMessages(trx, d.tenantId, [at], outcome.reason, now);
  const left = outcome.status === 'sent' || outcome.status === 'unknown' || outcome.status === 'handed_off';
  if (!left || funnel.seq !== 0) return null;
  return async (trx) => {
    const started = await recordHookLeft(trx, d.tenantId, at, now);
    return started ? [started] : [];
  };
}

/** The outcome as the outbox's row takes it: instants as dates. */
function toAttemptOutcome(o: DeliveryOutcome): AttemptOutcome {
  switch (o.status) {
    case 'queued': {
      const { nextAttemptAtMs, ...rest } = o;
      return { ...rest, nextAttemptAt: new Date(nextAttemptAtMs) };
    }
    case 'deferred':
      return { status: 'deferred', nextAttemptAt: new Date(o.nextAttemptAtMs), reason: o.reason };
    case 'handed_off':
      return { status: 'handed_off', leaseUntil: new Date(o.leaseUntilMs) };
    case 'unknown':
      return { status: 'unknown', reason: o.reason, attempt: o.attempt };
    case 'sent':
    case 'failed':
      return o;
    default:
      return assertNever(o);
  }
}

const adapterKey = (d: DeliveryRow, r: ChannelSettingsRecord) =>
  `${d.tenantId}\u001f${d.characterId}\u001f${d.channel}\u001f${r.updatedAt.getTime()}`;
