import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { ZoneCache } from '../shared/local-time.js';
import {
  type ClaimedDelivery,
  channelFailure,
  notSent,
  outcomeOfSend,
  planDelivery,
  type RetryRules,
  type SendTimeState,
} from './delivery-plan.js';

const at = (iso: string) => Date.parse(iso);
const chicago = new ZoneCache().get('America/Chicago');
// 20:00 in Chicago: outside the quiet hours
const EVENING = at('2026-11-24T02:00:00Z');
// 23:30 in Chicago: inside them, until 08:00 local = 14:00Z
const NIGHT = at('2026-11-24T05:30:00Z');

const policy: Policy = {
  ...DEFAULT_POLICY,
  allowProactive: true,
  quietHours: { startMinute: 22 * 60, endMinute: 8 * 60 },
};
const delivery: ClaimedDelivery = {
  userId: 'maya',
  characterId: 'luna',
  channel: 'telegram',
  attempts: 1,
  maxAttempts: 3,
  expiresAtMs: at('2026-11-25T00:00:00Z'),
  mayHaveArrived: false,
  answers: false,
};
const state: SendTimeState = {
  user: { consent: 'opted_in', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
  policy,
  channel: { settings: {} },
};
const failed = (reason: string, more: object = {}) => ({
  action: 'record',
  outcome: { status: 'failed', reason, attempt: 'permanent', ...more },
});

describe('planDelivery', () => {
  it('sends a delivery whose user, character and channel are there, outside quiet hours', () => {
    expect(planDelivery(delivery, state, EVENING)).toEqual({ action: 'send', channel: state.channel });
  });

  it('expires one whose time ran out, before anything else is looked at', () => {
    expect(planDelivery(delivery, { ...state, user: null }, delivery.expiresAtMs)).toEqual(
      failed('expired before it could be sent', { expired: true }),
    );
  });

  it('fails one whose user or character is gone', () => {
    expect(planDelivery(delivery, { ...state, user: null }, EVENING)).toEqual(
      failed('user "maya" no longer exists'),
    );
    expect(planDelivery(delivery, { ...state, policy: null }, EVENING)).toEqual(
      failed('character "luna" no longer exists'),
    );
  });

  it('fails one the send gate stops, with its reason', () => {
    expect(
      planDelivery(
        delivery,
        {
          ...state,
          user: {
            consent: 'opted_out',
            zone: chicago,
            lastInboundAtMs: null,
            snoozedUntilMs: null,
            sent: [],
          },
        },
        EVENING,
      ),
    ).toEqual(failed('the user opted out'));
    expect(
      planDelivery(delivery, { ...state, policy: { ...policy, allowProactive: false } }, EVENING),
    ).toEqual(failed('proactive messages were turned off for the tenant'));
  });

  it('defers one inside quiet hours until they end, without spending the attempt', () => {
    expect(planDelivery(delivery, state, NIGHT)).toEqual({
      action: 'record',
      outcome: {
        status: 'deferred',
        nextAttemptAtMs: at('2026-11-24T14:00:00Z'),
        reason: 'quiet hours (22:00-08:00 local)',
      },
    });
  });

  it('sends a funnel step that answers the user in quiet hours, mid-conversation and past the caps, but not after an opt-out', () => {
    const answer = { ...delivery, answers: true };
    const busy: SendTimeState = {
      ...state,
      policy: { ...policy, userCaps: { perDay: 1, perWeek: 1 }, midConversationMinutes: 30 },
      user: {
        ...state.user!,
        lastInboundAtMs: NIGHT - 60_000,
        snoozedUntilMs: NIGHT + 3_600_000,
        sent: [{ atMs: NIGHT - 3_600_000, characterId: 'luna', triggerId: 't' }],
      },
    };
    expect(planDelivery(answer, busy, NIGHT)).toEqual({ action: 'send', channel: { settings: {} } });
    expect(planDelivery(delivery, busy, NIGHT).action).toBe('record');
    const optedOut = { ...busy, user: { ...busy.user!, consent: 'opted_out' as const } };
    expect(planDelivery(answer, optedOut, NIGHT)).toEqual(failed('the user opted out'));
    expect(
      planDelivery(answer, { ...busy, policy: { ...busy.policy!, allowProactive: false } }, NIGHT),
    ).toEqual(failed('proactive messages were turned off for the tenant'));
  });

  it('expires one whose quiet hours end at or after its expiry', () => {
    const soon = { ...delivery, expiresAtMs: at('2026-11-24T14:00:00Z') };
    expect(planDelivery(soon, state, NIGHT)).toEqual(
      failed('expires before the quiet hours (22:00-08:00 local) end', { expired: true }),
    );
  });

  it('fails one whose channel is no longer configured for the character', () => {
    expect(planDelivery(delivery, { ...state, channel: null }, EVENING)).toEqual(
      failed('channel telegram is no longer configured for character "luna"'),
    );
  });

  it("hands one on the stream to the bot, for the channel's report time or ten minutes", () => {
    const onStream = { ...delivery, channel: 'stream' };
    expect(planDelivery(onStream, state, EVENING)).toEqual({
      action: 'record',
      outcome: { status: 'handed_off', leaseUntilMs: EVENING + 10 * 60_000 },
    });
    expect(
      planDelivery(onStream, { ...state, channel: { settings: { reportWithinMinutes: 5 } } }, EVENING),
    ).toEqual({
      action: 'record',
      outcome: { status: 'handed_off', leaseUntilMs: EVENING + 5 * 60_000 },
    });
  });
});

describe('channelFailure', () => {
  it('fails a delivery whose channel could not be opened, naming the channel', () => {
    expect(channelFailure(delivery, 'channel telegram has no stored secret')).toEqual({
      status: 'failed',
      reason: 'channel telegram: channel telegram has no stored secret',
      attempt: 'permanent',
    });
  });
});

describe('outcomeOfSend', () => {
  // random 0.5 draws the middle of the jitter: 3/4 of the exponential delay
  const rules: RetryRules = {
    idempotent: false,
    backoff: { baseMs: 60_000, maxMs: 3_600_000 },
    random: () => 0.5,
  };
  const now = EVENING;

  it('records a message the platform accepted as sent, with its id', () => {
    expect(outcomeOfSend(delivery, { outcome: 'sent', externalId: 'm-1' }, rules, now)).toEqual({
      status: 'sent',
      externalId: 'm-1',
    });
  });

  it('fails a permanent refusal at once, marking the address when the platform refused it', () => {
    expect(
      outcomeOfSend(delivery, { outcome: 'permanent', reason: 'bad token', unreachable: false }, rules, now),
    ).toEqual({ status: 'failed', reason: 'bad token', attempt: 'permanent' });
    expect(
      outcomeOfSend(
        delivery,
        { outcome: 'permanent', reason: 'bot was blocked', unreachable: true },
        rules,
        now,
      ),
    ).toEqual({ status: 'failed', reason: 'bot was blocked', attempt: 'permanent', unreachable: true });
  });

  it('queues a retryable failure again after the backoff, never sooner than retry-after', () => {
    expect(
      outcomeOfSend(delivery, { outcome: 'retry', reason: 'HTTP 502', retryAfterMs: null }, rules, now),
    ).toEqual({
      status: 'queued',
      nextAttemptAtMs: now + 45_000,
      reason: 'HTTP 502',
      retryAfterMs: null,
      attempt: 'retry',
    });
    expect(
      outcomeOfSend(delivery, { outcome: 'retry', reason: 'HTTP 429', retryAfterMs: 120_000 }, rules, now),
    ).toMatchObject({ status: 'queued', nextAttemptAtMs: now + 120_000, retryAfterMs: 120_000 });
  });

  it('gives up after the last attempt, with the reason', () => {
    const last = { ...delivery, attempts: 3 };
    expect(
      outcomeOfSend(last, { outcome: 'retry', reason: 'HTTP 502', retryAfterMs: null }, rules, now),
    ).toEqual({
      status: 'failed',
      reason: 'gave up after 3 attempts: HTTP 502',
      attempt: 'retry',
    });
    const only = { ...delivery, maxAttempts: 1 };
    expect(
      outcomeOfSend(only, { outcome: 'retry', reason: 'HTTP 502', retryAfterMs: null }, rules, now),
    ).toMatchObject({ reason: 'gave up after 1 attempt: HTTP 502' });
  });

  it('expires one whose next attempt would come at or after its expiry', () => {
    const retryAfterMs = delivery.expiresAtMs - now;
    expect(
      outcomeOfSend(delivery, { outcome: 'retry', reason: 'HTTP 429', retryAfterMs }, rules, now),
    ).toEqual({
      status: 'failed',
      reason: 'expired before it could be tried again: HTTP 429',
      attempt: 'retry',
      expired: true,
    });
  });

  it('records an unknown outcome as unknown where a resend could deliver twice', () => {
    expect(outcomeOfSend(delivery, { outcome: 'unknown', reason: 'timed out' }, rules, now)).toEqual({
      status: 'unknown',
      reason: 'timed out: it may have been sent',
      attempt: 'unknown',
    });
  });

  it('retries an unknown outcome on a platform that deduplicates, until the last attempt', () => {
    const idempotent = { ...rules, idempotent: true };
    expect(outcomeOfSend(delivery, { outcome: 'unknown', reason: 'reset' }, idempotent, now)).toEqual({
      status: 'queued',
      nextAttemptAtMs: now + 45_000,
      reason: 'reset',
      retryAfterMs: null,
      attempt: 'unknown',
    });
    expect(
      outcomeOfSend({ ...delivery, attempts: 3 }, { outcome: 'unknown', reason: 'reset' }, idempotent, now),
    ).toEqual({
      status: 'unknown',
      reason: 'gave up after 3 attempts: reset: it may have been sent',
      attempt: 'unknown',
    });
  });

  it('never fails or expires a delivery an earlier attempt of which may have arrived: it ends unknown', () => {
    const maybe = { ...delivery, attempts: 3, mayHaveArrived: true };
    const idempotent = { ...rules, idempotent: true };
    expect(
      outcomeOfSend(maybe, { outcome: 'retry', reason: 'HTTP 502', retryAfterMs: null }, idempotent, now),
    ).toEqual({
      status: 'unknown',
      reason: 'gave up after 3 attempts: HTTP 502; an earlier attempt may have been delivered',
      attempt: 'retry',
    });
    expect(
      outcomeOfSend(maybe, { outcome: 'permanent', reason: 'blocked', unreachable: true }, idempotent, now),
    ).toEqual({
      status: 'unknown',
      reason: 'blocked; an earlier attempt may have been delivered',
      attempt: 'permanent',
      unreachable: true,
    });
    expect(
      planDelivery(maybe, { ...state, user: { ...state.user!, consent: 'opted_out' } }, EVENING),
    ).toEqual({
      action: 'record',
      outcome: {
        status: 'unknown',
        reason: 'the user opted out; an earlier attempt may have been delivered',
        attempt: 'permanent',
      },
    });
    expect(planDelivery(maybe, state, maybe.expiresAtMs)).toMatchObject({
      outcome: {
        status: 'unknown',
        reason: 'expired before it could be sent; an earlier attempt may have been delivered',
      },
    });
    // still retried while attempts are left, and sent
    expect(
      outcomeOfSend(
        { ...maybe, attempts: 1 },
        { outcome: 'retry', reason: 'HTTP 502', retryAfterMs: null },
        idempotent,
        now,
      ),
    ).toMatchObject({ status: 'queued' });
  });
});

describe('notSent', () => {
  it('queues a delivery never handed over again without spending its attempt, or expires it when too late', () => {
    expect(notSent(delivery, 'the worker stopped before sending it', EVENING)).toEqual({
      status: 'deferred',
      nextAttemptAtMs: EVENING,
      reason: 'not sent: the worker stopped before sending it',
    });
    expect(notSent(delivery, 'an error came first', delivery.expiresAtMs)).toEqual({
      status: 'failed',
      reason: 'expired before it could be sent (an error came first)',
      attempt: 'permanent',
      expired: true,
    });
  });
});

describe('planDelivery and the conversation', () => {
  it('defers one whose user wrote within midConversationMinutes, until the conversation is over', () => {
    const talking = { ...state, user: { ...state.user!, lastInboundAtMs: EVENING - 60_000 } };
    expect(planDelivery(delivery, talking, EVENING)).toEqual({
      action: 'record',
      outcome: {
        status: 'deferred',
        nextAttemptAtMs: EVENING - 60_000 + 30 * 60_000,
        reason: 'mid-conversation (the user wrote less than 30 minutes before)',
      },
    });
  });
});
