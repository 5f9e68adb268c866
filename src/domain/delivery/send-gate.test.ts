import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { ZoneCache } from '../shared/local-time.js';
import { sendGate } from './send-gate.js';

const zones = new ZoneCache();
const chicago = zones.get('America/Chicago');
const policy: Policy = {
  ...DEFAULT_POLICY,
  allowProactive: true,
  proactiveEnabled: true,
  quietHours: { startMinute: 22 * 60, endMinute: 8 * 60 },
};
const at = (iso: string) => Date.parse(iso);

describe('sendGate', () => {
  it('lets a message go outside quiet hours, to a user who has not opted out', () => {
    expect(
      sendGate(
        { consent: 'unknown', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        policy,
        'luna',
        at('2026-11-24T02:00:00Z'),
      ),
    ).toEqual({
      verdict: 'send',
    }); // 20:00 in Chicago
  });

  it('holds a message approved at night until the quiet hours end in the user’s zone, across a DST change', () => {
    // 23:30 in Chicago on 2026-11-23 (CST, UTC-6): waits until 08:00 local = 14:00Z
    expect(
      sendGate(
        { consent: 'opted_in', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        policy,
        'luna',
        at('2026-11-24T05:30:00Z'),
      ),
    ).toEqual({
      verdict: 'wait',
      untilMs: at('2026-11-24T14:00:00Z'),
      reason: 'quiet hours (22:00-08:00 local)',
    });
    // the night DST ends (2026-11-01 02:00 CDT → 01:00 CST): 08:00 local is 14:00Z
    expect(
      sendGate(
        { consent: 'opted_in', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        policy,
        'luna',
        at('2026-11-01T06:00:00Z'),
      ),
    ).toMatchObject({
      untilMs: at('2026-11-01T14:00:00Z'),
    });
  });

  it('stops a message whose user opted out, or whose sending was turned off, since it was approved', () => {
    const night = at('2026-11-24T02:00:00Z');
    expect(
      sendGate(
        { consent: 'opted_out', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        policy,
        'luna',
        night,
      ),
    ).toEqual({
      verdict: 'stop',
      reason: 'the user opted out',
    });
    expect(
      sendGate(
        { consent: 'unknown', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        { ...policy, requireOptIn: true },
        'luna',
        night,
      ),
    ).toMatchObject({
      verdict: 'stop',
    });
    expect(
      sendGate(
        { consent: 'opted_in', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        { ...policy, allowProactive: false },
        'luna',
        night,
      ),
    ).toEqual({
      verdict: 'stop',
      reason: 'proactive messages were turned off for the tenant',
    });
    expect(
      sendGate(
        { consent: 'opted_in', zone: chicago, lastInboundAtMs: null, snoozedUntilMs: null, sent: [] },
        { ...policy, proactiveEnabled: false },
        'luna',
        night,
      ),
    ).toMatchObject({
      reason: 'proactive messages were turned off for the character',
    });
  });

  it('holds a message while the user is in a conversation, until midConversationMinutes after their last message', () => {
    const evening = at('2026-11-24T02:00:00Z'); // 20:00 in Chicago
    const wrote = evening - 60_000;
    const talking = {
      consent: 'opted_in' as const,
      zone: chicago,
      lastInboundAtMs: wrote,
      snoozedUntilMs: null,
      sent: [],
    };
    expect(sendGate(talking, { ...policy, midConversationMinutes: 30 }, 'luna', evening)).toEqual({
      verdict: 'wait',
      untilMs: wrote + 30 * 60_000,
      reason: 'mid-conversation (the user wrote less than 30 minutes before)',
    });
    expect(sendGate(talking, { ...policy, midConversationMinutes: 30 }, 'luna', wrote + 30 * 60_000)).toEqual(
      {
        verdict: 'send',
      },
    );
    expect(sendGate(talking, { ...policy, midConversationMinutes: 0 }, 'luna', evening)).toEqual({
      verdict: 'send',
    });
  });

  it('holds a message the user said "not now" to until the snooze ends, past quiet hours', () => {
    const noon = at('2026-11-24T18:00:00Z'); // 12:00 in Chicago
    // the snooze ends at 23:00 local: quiet until 08:00 the next morning
    const snoozed = {
      consent: 'opted_in' as const,
      zone: chicago,
      lastInboundAtMs: null,
      snoozedUntilMs: noon + 11 * 3_600_000,
      sent: [],
    };
    expect(sendGate(snoozed, policy, 'luna', noon)).toEqual({
      verdict: 'wait',
      untilMs: at('2026-11-25T14:00:00Z'),
      reason: 'quiet hours (22:00-08:00 local)',
    });
    expect(sendGate({ ...snoozed, snoozedUntilMs: noon + 3_600_000 }, policy, 'luna', noon)).toEqual({
      verdict: 'wait',
      untilMs: noon + 3_600_000,
      reason: 'the user said "not now" to this character',
    });
    expect(sendGate(snoozed, policy, 'luna', at('2026-11-25T14:00:00Z'))).toEqual({ verdict: 'send' });
  });

  it('waits for the later of a conversation and the quiet hours', () => {
    // wrote at 21:50 in Chicago; the conversation ends at 22:20, inside the quiet hours: 08:00 local
    const wrote = at('2026-11-24T03:50:00Z');
    const talking = {
      consent: 'opted_in' as const,
      zone: chicago,
      lastInboundAtMs: wrote,
      snoozedUntilMs: null,
      sent: [],
    };
    expect(sendGate(talking, { ...policy, midConversationMinutes: 30 }, 'luna', wrote + 60_000)).toEqual({
      verdict: 'wait',
      untilMs: at('2026-11-24T14:00:00Z'),
      reason: 'quiet hours (22:00-08:00 local)',
    });
    // wrote at 07:50 local: quiet hours end at 08:00, the conversation at 08:20
    const morning = at('2026-11-24T13:50:00Z');
    expect(
      sendGate(
        { ...talking, lastInboundAtMs: morning },
        { ...policy, midConversationMinutes: 30 },
        'luna',
        morning,
      ),
    ).toEqual({
      verdict: 'wait',
      untilMs: morning + 30 * 60_000,
      reason: 'mid-conversation (the user wrote less than 30 minutes before)',
    });
  });

  it('holds a message past the caps counted in messages that left, until the next local day or week', () => {
    const evening = at('2026-11-24T02:00:00Z'); // Monday 20:00 in Chicago
    const capped = {
      ...policy,
      userCaps: { perDay: 1, perWeek: 3 },
      characterCaps: { perDay: 5, perWeek: 5 },
    };
    const morning = { atMs: at('2026-11-23T15:00:00Z'), characterId: 'aria', triggerId: 't' }; // 09:00 the same day
    const state = {
      consent: 'opted_in' as const,
      zone: chicago,
      lastInboundAtMs: null,
      snoozedUntilMs: null,
      sent: [morning],
    };
    // the next local midnight: 00:00 CST = 06:00Z, then the quiet hours until 08:00 = 14:00Z
    expect(sendGate(state, capped, 'luna', evening)).toEqual({
      verdict: 'wait',
      untilMs: at('2026-11-24T14:00:00Z'),
      reason: 'quiet hours (22:00-08:00 local)',
    });
    expect(sendGate(state, { ...capped, quietHours: null }, 'luna', evening)).toEqual({
      verdict: 'wait',
      untilMs: at('2026-11-24T06:00:00Z'),
      reason: "the user's cap of 1 messages a day was reached",
    });
    // the character's own cap counts only its messages
    const own = { ...capped, quietHours: null, userCaps: { perDay: null, perWeek: null } };
    expect(sendGate(state, { ...own, characterCaps: { perDay: 1, perWeek: 5 } }, 'luna', evening)).toEqual({
      verdict: 'send',
    });
    expect(
      sendGate(state, { ...own, characterCaps: { perDay: 1, perWeek: 5 } }, 'aria', evening),
    ).toMatchObject({
      verdict: 'wait',
      reason: "the character's cap of 1 messages a day was reached",
    });
  });
});
