import { retryDelayMs } from '../../domain/delivery/backoff.js';
import { type SendVerdict, sendGate } from '../../domain/delivery/send-gate.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import {
  type ChannelAdapter,
  IDEMPOTENT_CHANNELS,
  type OpenedChannel,
  type SendResult,
} from '../../ports/channel.js';
import {
  type ChannelSettingsRecord,
  findChannelSettings,
} from '../../storage/channel-settings.repository.js';
import {
  type AttemptOutcome,
  claimDeliveries,
  type DeliveryRow,
  finishAttempt,
  recoverLapsed,
} from '../../storage/delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import { expirePending } from '../../storage/suggestion.repository.js';
import { markUnreachable } from '../../storage/unreachable-address.repository.js';
import { userActivityAt } from '../activity/activity.js';
import { emitDelivery, emitSuggestion, emitSuggestionOf } from '../kernel/announcements.js';
import { eachAtOnce } from '../kernel/at-once.js';
import type { EngineContext } from '../kernel/resources.js';
import { loadPolicyFor } from '../policy/policy.js';
import { prepareEvents, storeEvents } from '../signals/ingest.js';
import { openChannel } from './channel-settings.js';

export interface DeliveryDeps {
  /** The adapter for a character's channel; `version` changes when its settings do (a cache key). */
  adapterFor(opened: OpenedChannel, key: string): ChannelAdapter;
  /** In [0, 1): the jitter of retry delays. */
  random(): number;
}

export interface DeliveryOptions {
  /** This instance's claims carry it. */
  token: string;
  /** Longer than a platform call may take, so a live worker never loses a delivery it is sending. */
  leaseMs: number;
  batchSize: number;
  concurrency: number;
}

export interface DeliveryResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  unknown: number;
  handedOff: number;
  /** Held back until the user's quiet hours end. */
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
 * One round of the outbox, on any instance: expires pending suggestions whose time ran out,
 * recovers deliveries whose worker's lease lapsed, then claims due deliveries (SKIP LOCKED and a
 * lease, committed before anything is sent) and sends each through its channel's adapter outside
 * any transaction, recording each outcome only while the lease still holds. A retryable failure
 * is queued again after an exponential, jittered wait (never sooner than the platform's
 * retry-after), until the last attempt; a permanent one fails at once and marks a bad address
 * unreachable; an unknown outcome is resent only on an idempotent channel. A message sent is
 * recorded as the user's `message_out` in the same transaction.
 */
export async function deliverOnce(
  ctx: EngineContext,
  deps: DeliveryDeps,
  options: DeliveryOptions,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  const now = ctx.clock.now();
  const result = emptyDeliveryResult();
  const expired = await expirePending(ctx.db, now, CHUNK);
  result.expired = expired.length;
  for (const s of expired) emitSuggestion(ctx, s.tenant_id, s);

  const recovered = await recoverLapsed(ctx.db, now, IDEMPOTENT_CHANNELS, CHUNK);
  result.recovered = recovered.length;
  for (const d of recovered) {
    emitDelivery(ctx, d);
    if (d.status === 'unknown') emitSuggestionOf(ctx, d, 'unknown');
  }

  const claimed = await claimDeliveries(
    ctx.db,
    options.token,
    now,
    new Date(now.getTime() + options.leaseMs),
    options.batchSize,
  );
  result.claimed = claimed.length;
  await eachAtOnce(claimed, options.concurrency, signal, async (delivery) => {
    emitDelivery(ctx, delivery);
    if (delivery.attempts === 1) emitSuggestionOf(ctx, delivery, 'sending');
    try {
      await deliver(ctx, deps, options.token, delivery, signal, result);
    } catch (error) {
      // the database went away, say: the lease lapses and recovery decides
      if (!signal.aborted)
        ctx.logger.error({ err: error, deliveryId: delivery.deliveryId }, 'delivery failed');
    }
  });
  return result;
}

async function deliver(
  ctx: EngineContext,
  deps: DeliveryDeps,
  token: string,
  d: DeliveryRow,
  signal: AbortSignal,
  result: DeliveryResult,
) {
  const started = ctx.clock.now();
  if (d.expiresAt <= started)
    return finish(ctx, token, d, expiry('expired before it could be sent', 'permanent'), result);
  const gate = await checkGate(ctx, d, started);
  if (gate.verdict === 'stop') return finish(ctx, token, d, failure(gate.reason), result);
  if (gate.verdict === 'wait' && gate.untilMs >= d.expiresAt.getTime())
    return finish(ctx, token, d, expiry(`expires before the ${gate.reason} end`, 'permanent'), result);
  if (gate.verdict === 'wait')
    return finish(
      ctx,
      token,
      d,
      { status: 'deferred', nextAttemptAt: new Date(gate.untilMs), reason: gate.reason },
      result,
    );
  const record = await findChannelSettings(ctx.db, d.tenantId, d.characterId, d.channel);
  if (!record)
    return finish(
      ctx,
      token,
      d,
      failure(`channel ${d.channel} is no longer configured for character "${d.characterId}"`),
      result,
    );
  if (d.channel === 'stream') {
    const minutes = Number(record.settings.reportWithinMinutes ?? 10);
    return finish(
      ctx,
      token,
      d,
      { status: 'handed_off', leaseUntil: new Date(started.getTime() + minutes * 60_000) },
      result,
    );
  }
  let adapter: ChannelAdapter;
  try {
    adapter = deps.adapterFor(openChannel(ctx, d.tenantId, record), adapterKey(d, record));
  } catch (error) {
    return finish(ctx, token, d, failure(`channel ${d.channel}: ${(error as Error).message}`), result);
  }
  const sent = await adapter.send(
    {
      deliveryId: d.deliveryId,
      tenantId: d.tenantId,
      userId: d.userId,
      characterId: d.characterId,
      suggestionId: d.suggestionId,
      address: d.address,
      text: d.text,
      attempt: d.attempts,
    },
    AbortSignal.any([signal, AbortSignal.timeout(ctx.delivery.timeoutMs)]),
  );
  const outcome = outcomeOf(ctx, deps, d, adapter.idempotent, sent);
  if (sent.outcome === 'permanent' && sent.unreachable)
    await markUnreachable(ctx.db, d, sent.reason, ctx.clock.now());
  await finish(ctx, token, d, outcome, result);
}

/**
 * `sendGate` on the user's and the policy's state as they are now: consent, zone and the
 * character's switch in one read, the policy (a second), and the activity model only for a user
 * whose zone is inferred rather than given. A user or character gone stops it.
 */
async function checkGate(ctx: EngineContext, d: DeliveryRow, now: Date): Promise<SendVerdict> {
  const row = await ctx.db
    .selectFrom('users as u')
    .leftJoin('characters as c', (join) =>
      join.onRef('c.tenant_id', '=', 'u.tenant_id').on('c.character_id', '=', d.characterId),
    )
    .select(['u.consent', 'u.timezone', 'c.proactive_enabled'])
    .where('u.tenant_id', '=', d.tenantId)
    .where('u.user_id', '=', d.userId)
    .executeTakeFirst();
  if (!row) return { verdict: 'stop', reason: `user "${d.userId}" no longer exists` };
  if (row.proactive_enabled === null)
    return { verdict: 'stop', reason: `character "${d.characterId}" no longer exists` };
  const policy = await loadPolicyFor(ctx, d.tenantId, d.characterId, row.proactive_enabled);
  const zone = row.timezone
    ? ctx.activity.zones.get(row.timezone)
    : (await userActivityAt(ctx, d.tenantId, d.userId, now)).offsets;
  return sendGate({ consent: row.consent, zone }, policy, now.getTime());
}

/** What a send's result makes of the delivery: sent, queued for another attempt, failed or unknown. */
function outcomeOf(
  ctx: EngineContext,
  deps: DeliveryDeps,
  d: DeliveryRow,
  idempotent: boolean,
  sent: SendResult,
): AttemptOutcome {
  switch (sent.outcome) {
    case 'sent':
      return { status: 'sent', externalId: sent.externalId };
    case 'permanent':
      return failure(sent.reason, 'permanent');
    case 'unknown':
      if (!idempotent) return { status: 'unknown', reason: `${sent.reason}: it may have been sent` };
      return retry(ctx, deps, d, sent.reason, null, 'unknown');
    case 'retry':
      return retry(ctx, deps, d, sent.reason, sent.retryAfterMs, 'retry');
  }
}

function retry(
  ctx: EngineContext,
  deps: DeliveryDeps,
  d: DeliveryRow,
  reason: string,
  retryAfterMs: number | null,
  attempt: 'retry' | 'unknown',
): AttemptOutcome {
  if (d.attempts >= d.maxAttempts)
    return failure(`gave up after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}: ${reason}`, 'retry');
  const wait = retryDelayMs(d.attempts, ctx.delivery.backoff, deps.random, retryAfterMs);
  const nextAttemptAt = new Date(ctx.clock.now().getTime() + wait);
  if (nextAttemptAt >= d.expiresAt)
    return expiry(`expired before it could be tried again: ${reason}`, 'retry');
  return { status: 'queued', nextAttemptAt, reason, retryAfterMs, attempt };
}

/** The suggestion's time ran out before the message could be sent: it ends `expired`. */
const expiry = (reason: string, attempt: 'retry' | 'permanent'): AttemptOutcome => ({
  status: 'failed',
  reason,
  attempt,
  expired: true,
});

const failure = (reason: string, attempt: 'retry' | 'permanent' = 'permanent'): AttemptOutcome => ({
  status: 'failed',
  reason,
  attempt,
});

/** Records the outcome in one transaction (with the user's `message_out` once sent), then announces it. */
async function finish(
  ctx: EngineContext,
  token: string,
  d: DeliveryRow,
  outcome: AttemptOutcome,
  result: DeliveryResult,
) {
  const now = ctx.clock.now();
  const triggers = outcome.status === 'sent' ? await ctx.triggers.get(d.tenantId) : [];
  const written = await ctx.db
    .transaction()
    .execute(async (trx) => {
      // the user's row first, as ingest and the sweep lock it (users, then their suggestions):
      // taking the suggestion's row first could deadlock with a sweep deciding that user
      if (outcome.status === 'sent') await recordMessageOut(trx, ctx, d, triggers, now);
      const row = await finishAttempt(trx, d, token, outcome, now);
      // the lease was lost meanwhile (recovered by another instance): the message_out goes too
      if (!row) throw LEASE_LOST;
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
  if (outcome.status !== 'queued' && outcome.status !== 'handed_off' && outcome.status !== 'deferred')
    emitSuggestionOf(
      ctx,
      written,
      outcome.status === 'failed' && outcome.expired ? 'expired' : outcome.status,
      written.reason,
    );
}

const adapterKey = (d: DeliveryRow, r: ChannelSettingsRecord) =>
  `${d.tenantId}\u001f${d.characterId}\u001f${d.channel}\u001f${r.updatedAt.getTime()}`;

/**
 * The message sent, as the user's `message_out` event (id `overture:<deliveryId>`, so recording it
 * twice is a no-op): their last contact, counts and silence follow from it as from the bot's own.
 */
export async function recordMessageOut(
  trx: Db,
  ctx: EngineContext,
  d: DeliveryRow,
  triggers: readonly Trigger[],
  now: Date,
) {
  const { unique } = prepareEvents([
    {
      id: `overture:${d.deliveryId}`,
      kind: 'message_out',
      userId: d.userId,
      characterId: d.characterId,
      at: now.toISOString(),
      text: d.text,
      channel: d.channel,
      meta: { proactive: true, deliveryId: d.deliveryId, suggestionId: d.suggestionId },
    },
  ]);
  await storeEvents(trx, ctx, d.tenantId, unique, triggers, now);
}
