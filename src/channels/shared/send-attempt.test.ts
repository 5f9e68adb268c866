import { describe, expect, it } from 'vitest';
import { type ClaimedDelivery, outcomeOfSend, type RetryRules } from '../../domain/delivery/delivery-plan.js';
import { notStarted, startAttempt, transportFailure } from './send-attempt.js';

const timeoutReason = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');
const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('transportFailure', () => {
  it("reports the caller's deadline as a timeout, not as the caller aborting", () => {
    // the engine gives each send AbortSignal.timeout(deliveryTimeoutMs), which may fire before the adapter's own
    const caller = new AbortController();
    caller.abort(timeoutReason());
    const result = transportFailure(timeoutReason(), startAttempt(caller.signal, 60_000), true);
    expect(result).toEqual({ outcome: 'unknown', reason: "timed out (the caller's deadline)" });
    expect(notStarted(caller.signal)).toMatchObject({
      reason: "timed out (the caller's deadline) before sending",
    });
  });

  it('still says so when the caller cancels', () => {
    const caller = new AbortController();
    caller.abort();
    const result = transportFailure(caller.signal.reason, startAttempt(caller.signal, 60_000), true);
    expect(result).toEqual({ outcome: 'unknown', reason: 'aborted by the caller' });
  });

  it('says once that an unknown outcome may have been delivered, when the delivery records it', () => {
    const sent = transportFailure(reset, startAttempt(new AbortController().signal, 60_000), true);
    const delivery: ClaimedDelivery = {
      userId: 'maya',
      characterId: 'luna',
      channel: 'telegram',
      attempts: 1,
      maxAttempts: 3,
      mayHaveArrived: false,
      answers: false,
      expiresAtMs: Date.parse('2026-11-25T00:00:00Z'),
    };
    const rules: RetryRules = {
      idempotent: false,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      random: () => 0.5,
    };
    const outcome = outcomeOfSend(delivery, sent, rules, Date.parse('2026-11-24T00:00:00Z'));
    expect(outcome).toEqual({
      status: 'unknown',
      attempt: 'unknown',
      reason: 'connection failed: ECONNRESET: it may have been sent',
    });
    expect(JSON.stringify(outcome).match(/may have been/g)).toHaveLength(1);
  });
});
