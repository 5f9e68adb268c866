import type { Policy } from '../policy/policy.js';
import { assertNever } from '../shared/assert-never.js';
import { type Backoff, retryDelayMs } from './backoff.js';
import { answerGate, type SendState, sendGate } from './send-gate.js';
import type { SendResult } from './send-result.js';

/** What the plan reads of a delivery claimed for an attempt. */
export interface ClaimedDelivery {
  userId: string;
  characterId: string;
  channel: string;
  /** The attempt this claim counted: 1 for the first. */
  attempts: number;
  maxAttempts: number;
  /** The suggestion's expiry: nothing is sent, or tried again, at or after it. */
  expiresAtMs: number;
  /**
   * An earlier attempt may have reached the user (its answer was lost, or its worker died after
   * handing it over): the delivery can no longer end `failed` or `expired`, only `sent` or
   * `unknown`, so that it counts as sent for caps, gaps, cooldowns and backoff.
   */
  mayHaveArrived: boolean;
  /** It answers the user (a funnel's step after its hook): only the switches and consent stop it. */
  answers: boolean;
}

/** A channel as configured for a character: the plan reads its settings, the adapter is built from it. */
export interface ConfiguredChannel {
  settings: Readonly<Record<string, unknown>>;
}

/** What holds for a delivery as it is about to leave; null for what no longer exists. */
export interface SendTimeState<C extends ConfiguredChannel = ConfiguredChannel> {
  /** The user's consent and zone; null when the user is gone. */
  user: SendState | null;
  /** The policy as it applies to the delivery's character; null when the character is gone. */
  policy: Policy | null;
  /** The delivery's channel as configured for the character; null when it no longer is. */
  channel: C | null;
}

/** What an attempt comes to, as the outbox records it. */
export type DeliveryOutcome =
  | { status: 'sent'; externalId: string | null }
  | {
      status: 'queued';
      nextAttemptAtMs: number;
      reason: string;
      retryAfterMs: number | null;
      attempt: 'retry' | 'unknown';
    }
  /**
   * `expired`: the suggestion's time ran out before the message could be sent (it ends `expired`,
   * not `failed`); `unreachable`: the platform refused the address, which is passed over from now on.
   */
  | { status: 'failed'; reason: string; attempt: 'retry' | 'permanent'; expired?: true; unreachable?: true }
  /**
   * It may have reached the user. `attempt`: what this attempt was (`unknown` when its own answer
   * was lost; `retry` or `permanent` when it failed after an earlier one may have arrived);
   * `unreachable`: the platform refused the address this time.
   */
  | { status: 'unknown'; reason: string; attempt: 'unknown' | 'retry' | 'permanent'; unreachable?: true }
  /** Given to the bot on the stream, which reports what became of it before `leaseUntilMs`. */
  | { status: 'handed_off'; leaseUntilMs: number }
  /** Not sent now (quiet hours, a conversation, the worker stopping): queued again for `nextAttemptAtMs`, the attempt not counted. */
  | { status: 'deferred'; nextAttemptAtMs: number; reason: string };

/**
 * What to do with a claimed delivery: send it to its address through the adapter built from
 * `channel`, or record an outcome without sending (wait, fail, expire, hand off to the bot).
 */
type DeliveryPlan<C extends ConfiguredChannel = ConfiguredChannel> =
  | { action: 'send'; channel: C }
  | { action: 'record'; outcome: DeliveryOutcome };

/** How long a bot on the `stream` channel has to report, unless the channel's settings say. */
const REPORT_WITHIN_MINUTES = 10;

/**
 * What a claimed delivery should do now, on the state as it is now however long ago it was
 * decided or approved: expired, it ends `expired`; a user or character gone, or `sendGate`
 * stopping it, fails it with the reason; inside quiet hours or a conversation it waits for their
 * end without spending the attempt (or expires, if that is too late); a channel no longer
 * configured fails it; on `stream` it is handed to the bot; otherwise it is sent. One that may
 * already have arrived ends `unknown` rather than failed or expired (`afterEarlierAttempts`).
 */
export function planDelivery<C extends ConfiguredChannel>(
  d: ClaimedDelivery,
  state: SendTimeState<C>,
  nowMs: number,
): DeliveryPlan<C> {
  const record = (outcome: DeliveryOutcome): DeliveryPlan<C> => ({
    action: 'record',
    outcome: afterEarlierAttempts(d, outcome),
  });
  if (d.expiresAtMs <= nowMs) return record(expiry('expired before it could be sent', 'permanent'));
  if (!state.user) return record(failure(`user "${d.userId}" no longer exists`));
  if (!state.policy) return record(failure(`character "${d.characterId}" no longer exists`));
  const gate = d.answers
    ? answerGate(state.user, state.policy)
    : sendGate(state.user, state.policy, d.characterId, nowMs);
  if (gate.verdict === 'stop') return record(failure(gate.reason));
  if (gate.verdict === 'wait')
    return record(
      gate.untilMs >= d.expiresAtMs
        ? expiry(`expires before the ${gate.reason} end`, 'permanent')
        : { status: 'deferred', nextAttemptAtMs: gate.untilMs, reason: gate.reason },
    );
  const channel = state.channel;
  if (!channel)
    return record(failure(`channel ${d.channel} is no longer configured for character "${d.characterId}"`));
  if (d.channel === 'stream') {
    const minutes = Number(channel.settings.reportWithinMinutes ?? REPORT_WITHIN_MINUTES);
    return record({ status: 'handed_off', leaseUntilMs: nowMs + minutes * 60_000 });
  }
  return { action: 'send', channel };
}

/** The outcome of a delivery whose channel could not be opened or its adapter built. */
export function channelFailure(d: ClaimedDelivery, why: string): DeliveryOutcome {
  return afterEarlierAttempts(d, failure(`channel ${d.channel}: ${why}`));
}

/**
 * A claimed delivery that was never handed to its channel (the worker is stopping, or an error
 * came before the send): queued again for `retryAtMs` without counting the attempt, since none was
 * made; or, when that is at or after its expiry, ended as expired.
 */
export function notSent(d: ClaimedDelivery, reason: string, retryAtMs: number): DeliveryOutcome {
  if (retryAtMs >= d.expiresAtMs)
    return afterEarlierAttempts(d, expiry(`expired before it could be sent (${reason})`, 'permanent'));
  return { status: 'deferred', nextAttemptAtMs: retryAtMs, reason: `not sent: ${reason}` };
}

/** What the retries of a send are shaped by. */
export interface RetryRules {
  /** Whether the adapter's platform deduplicates a resend (only then is an unknown outcome resent). */
  idempotent: boolean;
  backoff: Backoff;
  /** In [0, 1): the jitter of retry delays. */
  random: () => number;
}

/**
 * What an adapter's answer makes of the delivery, at `nowMs` when it came: sent; failed at once
 * (permanent, the address marked when the platform refused it); unknown, unless the platform
 * deduplicates, where it is retried like a retryable failure: queued again after `retryDelayMs`,
 * or failed after the last attempt, or expired when the next attempt would come too late. What
 * may have arrived (this attempt or an earlier one) ends `unknown` instead of failed or expired.
 */
export function outcomeOfSend(
  d: ClaimedDelivery,
  sent: SendResult,
  rules: RetryRules,
  nowMs: number,
): DeliveryOutcome {
  const outcome = answerOf(d, sent, rules, nowMs);
  // the last try of an idempotent resend may have arrived as well as an earlier one
  if (sent.outcome === 'unknown' && outcome.status === 'failed')
    return { status: 'unknown', reason: `${outcome.reason}: it may have been sent`, attempt: 'unknown' };
  return afterEarlierAttempts(d, outcome);
}

function answerOf(d: ClaimedDelivery, sent: SendResult, rules: RetryRules, nowMs: number): DeliveryOutcome {
  switch (sent.outcome) {
    case 'sent':
      return { status: 'sent', externalId: sent.externalId };
    case 'permanent':
      return sent.unreachable
        ? { status: 'failed', reason: sent.reason, attempt: 'permanent', unreachable: true }
        : failure(sent.reason);
    case 'unknown':
      if (!rules.idempotent)
        return { status: 'unknown', reason: `${sent.reason}: it may have been sent`, attempt: 'unknown' };
      return retry(d, sent.reason, null, 'unknown', rules, nowMs);
    case 'retry':
      return retry(d, sent.reason, sent.retryAfterMs, 'retry', rules, nowMs);
    default:
      return assertNever(sent);
  }
}

function retry(
  d: ClaimedDelivery,
  reason: string,
  retryAfterMs: number | null,
  attempt: 'retry' | 'unknown',
  rules: RetryRules,
  nowMs: number,
): DeliveryOutcome {
  if (d.attempts >= d.maxAttempts)
    return failure(`gave up after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}: ${reason}`, 'retry');
  const nextAttemptAtMs = nowMs + retryDelayMs(d.attempts, rules.backoff, rules.random, retryAfterMs);
  if (nextAttemptAtMs >= d.expiresAtMs)
    return expiry(`expired before it could be tried again: ${reason}`, 'retry');
  return { status: 'queued', nextAttemptAtMs, reason, retryAfterMs, attempt };
}

/**
 * A delivery one of whose earlier attempts may have reached the user never ends `failed` or
 * `expired`, which would not count against the caps, gaps, cooldowns and backoff (a user got two
 * messages in one local day under a cap of one so): it ends `unknown`, with both reasons, and a
 * person or the bot may settle it (`POST /v1/deliveries/{id}/report`).
 */
function afterEarlierAttempts(d: ClaimedDelivery, outcome: DeliveryOutcome): DeliveryOutcome {
  if (!d.mayHaveArrived || outcome.status !== 'failed') return outcome;
  return {
    status: 'unknown',
    reason: `${outcome.reason}; an earlier attempt may have been delivered`,
    attempt: outcome.attempt,
    ...(outcome.unreachable ? { unreachable: true as const } : {}),
  };
}

/** The suggestion's time ran out before the message could be sent: it ends `expired`. */
const expiry = (reason: string, attempt: 'retry' | 'permanent'): DeliveryOutcome => ({
  status: 'failed',
  reason,
  attempt,
  expired: true,
});

const failure = (reason: string, attempt: 'retry' | 'permanent' = 'permanent'): DeliveryOutcome => ({
  status: 'failed',
  reason,
  attempt,
});
