import type { Policy } from '../policy/policy.js';
import { describeQuietHours, quietHoursEnd } from '../policy/quiet-hours.js';
import type { ZoneOffsets } from '../shared/local-time.js';
import type { Consent } from '../suggestions/lifecycle.js';

/** What the gate reads at the moment of sending. */
export interface SendState {
  consent: Consent;
  zone: ZoneOffsets;
}

type SendVerdict =
  | { verdict: 'send' }
  | { verdict: 'wait'; untilMs: number; reason: string }
  | { verdict: 'stop'; reason: string };

/**
 * The checks that must still hold when a message leaves, however long ago it was decided (a
 * person approved it hours later, a retry came after a backoff): proactive messages still on for
 * the tenant and the character, the user's consent, and not inside their quiet hours in their
 * local time, where it waits for the window's end instead.
 */
export function sendGate(state: SendState, policy: Policy, nowMs: number): SendVerdict {
  if (!policy.allowProactive)
    return { verdict: 'stop', reason: 'proactive messages were turned off for the tenant' };
  if (!policy.proactiveEnabled)
    return { verdict: 'stop', reason: 'proactive messages were turned off for the character' };
  if (state.consent === 'opted_out') return { verdict: 'stop', reason: 'the user opted out' };
  if (state.consent === 'unknown' && policy.requireOptIn)
    return { verdict: 'stop', reason: 'the user has not opted in, and the policy requires it' };
  if (policy.quietHours) {
    const untilMs = quietHoursEnd(state.zone, nowMs, policy.quietHours);
    if (untilMs > nowMs)
      return {
        verdict: 'wait',
        untilMs,
        reason: `quiet hours (${describeQuietHours(policy.quietHours)} local)`,
      };
  }
  return { verdict: 'send' };
}
