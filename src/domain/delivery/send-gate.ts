import type { Policy } from '../policy/policy.js';
import { describeQuietHours, quietHoursEnd } from '../policy/quiet-hours.js';
import type { ZoneOffsets } from '../shared/local-time.js';
import type { Consent } from '../suggestions/lifecycle.js';

const MINUTE = 60_000;

/** What the gate reads at the moment of sending. */
export interface SendState {
  consent: Consent;
  zone: ZoneOffsets;
  /** The user's last message, to any character (the conversation `midConversationMinutes` waits out); null: never. */
  lastInboundAtMs: number | null;
}

type SendVerdict =
  | { verdict: 'send' }
  | { verdict: 'wait'; untilMs: number; reason: string }
  | { verdict: 'stop'; reason: string };

/**
 * The checks that must still hold when a message leaves, however long ago it was decided (a
 * person approved it hours later, a retry came after a backoff): proactive messages still on for
 * the tenant and the character, the user's consent (else it stops), and neither inside their
 * quiet hours in their local time nor within `midConversationMinutes` of their last message,
 * where it waits instead, until both allow it.
 */
export function sendGate(state: SendState, policy: Policy, nowMs: number): SendVerdict {
  if (!policy.allowProactive)
    return { verdict: 'stop', reason: 'proactive messages were turned off for the tenant' };
  if (!policy.proactiveEnabled)
    return { verdict: 'stop', reason: 'proactive messages were turned off for the character' };
  if (state.consent === 'opted_out') return { verdict: 'stop', reason: 'the user opted out' };
  if (state.consent === 'unknown' && policy.requireOptIn)
    return { verdict: 'stop', reason: 'the user has not opted in, and the policy requires it' };
  return waitFor(state, policy, nowMs);
}

/** The first instant from `nowMs` that neither the quiet hours nor the conversation block, and the last of them that blocked. */
function waitFor(state: SendState, policy: Policy, nowMs: number): SendVerdict {
  const minutes = policy.midConversationMinutes;
  const conversationEndMs =
    state.lastInboundAtMs !== null && minutes > 0 ? state.lastInboundAtMs + minutes * MINUTE : null;
  let untilMs = nowMs;
  let reason: string | null = null;
  // each rule only moves the instant forward, and a conversation ends once: this settles in a few rounds
  for (let round = 0; round < 4; round++) {
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
    if (untilMs === before) break;
  }
  return reason === null ? { verdict: 'send' } : { verdict: 'wait', untilMs, reason };
}
