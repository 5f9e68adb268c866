import { checkCaps, type ProactiveAct } from '../policy/frequency-cap.js';
import type { Caps, Policy } from '../policy/policy.js';
import { describeQuietHours, quietHoursEnd } from '../policy/quiet-hours.js';
import type { ZoneOffsets } from '../shared/local-time.js';
import type { Consent } from '../suggestions/lifecycle.js';

const MINUTE = 60_000;

/** What the gate reads at the moment of sending. */
export interface SendState {
  /** The consent that applies to the pair (`pairConsent`). */
  consent: Consent;
  /** The user said "not now" to this character: nothing from it until then. */
  snoozedUntilMs: number | null;
  zone: ZoneOffsets;
  /** The user's last message, to any character (the conversation `midConversationMinutes` waits out); null: never. */
  lastInboundAtMs: number | null;
  /**
   * The proactive messages that left for the user (sent, or may have arrived) in the last 8 days
   * or more, from any character, each at the instant it left: what the caps count as they arrive.
   */
  sent: readonly ProactiveAct[];
}

type SendVerdict =
  | { verdict: 'send' }
  | { verdict: 'wait'; untilMs: number; reason: string }
  | { verdict: 'stop'; reason: string };

/**
 * The checks that must still hold when a message from `characterId` leaves, however long ago it
 * was decided (a person approved it hours later, a retry came after a backoff, quiet hours held
 * it overnight): proactive messages still on for the tenant and the character, the user's consent
 * (else it stops); and neither snoozed by a "not now", nor inside their quiet hours in their local time, nor within
 * `midConversationMinutes` of their last message, nor past the user's or the character's caps
 * for the local day or week counted in messages that left, where it waits instead, until all
 * allow it.
 */
export function sendGate(state: SendState, policy: Policy, characterId: string, nowMs: number): SendVerdict {
  return stopGate(state, policy) ?? waitFor(state, policy, characterId, nowMs);
}

/**
 * The gate of a message that answers the user (a funnel's step after its hook): the switches and
 * the user's consent still stop it; no cap, quiet hour, snooze or conversation holds it, since
 * the user just wrote and is waiting for it.
 */
export function answerGate(state: SendState, policy: Policy): SendVerdict {
  return stopGate(state, policy) ?? { verdict: 'send' };
}

function stopGate(state: SendState, policy: Policy): SendVerdict | null {
  if (!policy.allowProactive)
    return { verdict: 'stop', reason: 'proactive messages were turned off for the tenant' };
  if (!policy.proactiveEnabled)
    return { verdict: 'stop', reason: 'proactive messages were turned off for the character' };
  if (state.consent === 'opted_out') return { verdict: 'stop', reason: 'the user opted out' };
  if (state.consent === 'unknown' && policy.requireOptIn)
    return { verdict: 'stop', reason: 'the user has not opted in, and the policy requires it' };
  return null;
}

/** The first instant from `nowMs` that no rule of time blocks, and the last of them that blocked. */
function waitFor(state: SendState, policy: Policy, characterId: string, nowMs: number): SendVerdict {
  const minutes = policy.midConversationMinutes;
  const conversationEndMs =
    state.lastInboundAtMs !== null && minutes > 0 ? state.lastInboundAtMs + minutes * MINUTE : null;
  let untilMs = nowMs;
  let reason: string | null = null;
  if (state.snoozedUntilMs !== null && state.snoozedUntilMs > nowMs) {
    untilMs = state.snoozedUntilMs;
    reason = 'the user said "not now" to this character';
  }
  const caps: [Caps, readonly ProactiveAct[], string][] = [
    [policy.userCaps, state.sent, "the user's cap"],
    [policy.characterCaps, state.sent.filter((a) => a.characterId === characterId), "the character's cap"],
  ];
  // each rule only moves the instant forward, and a conversation ends once: this settles in a few rounds
  for (let round = 0; round < 8; round++) {
    const before = untilMs;
    if (conversationEndMs !== null && conversationEndMs > untilMs) {
      untilMs = conversationEndMs;
      reason = `mid-conversation (the user wrote less than ${minutes} minutes before)`;
    }
    if (policy.quietHours) {
      const quietEndMs = quietHoursEnd(state.zone, untilMs, policy.quietHours);
      if (quietEndMs > untilMs) {
        untilMs = quietEndMs;
        reason = `quiet hours (${describeQuietHours(policy.quietHours)} local)`;
      }
    }
    for (const [limits, acts, whose] of caps) {
      if (acts.length === 0) continue;
      const cap = checkCaps(state.zone, untilMs, acts, limits);
      if (cap.blockedUntilMs !== null && cap.blockedUntilMs > untilMs) {
        untilMs = cap.blockedUntilMs;
        reason =
          cap.limit === 'per_week'
            ? `${whose} of ${limits.perWeek} messages a week was reached`
            : `${whose} of ${limits.perDay} messages a day was reached`;
      }
    }
    if (untilMs === before) break;
  }
  return reason === null ? { verdict: 'send' } : { verdict: 'wait', untilMs, reason };
}
