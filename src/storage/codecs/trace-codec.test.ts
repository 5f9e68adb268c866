import { describe, expect, it } from 'vitest';
import type { Check } from '../../domain/decide/decision.js';
import { describeCheck } from '../../domain/decide/describe.js';
import { decodeTrace, traceJson } from './trace-codec.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** A deferral's trace as `decide` makes it: every kind of number a check carries. */
const deferral: Check[] = [
  { check: 'allow_proactive', passed: true, note: 'allowed' },
  { check: 'consent', passed: true, note: 'unknown_allowed' },
  { check: 'user_wrote_first', passed: true, note: 'wrote', atMs: T0 - 86_400_000 },
  { check: 'trust', passed: true, note: 'within_limit', value: 0.5, limit: 0 },
  { check: 'time_zone', passed: true, note: 'zone_default', zone: 'America/Chicago' },
  { check: 'trigger', passed: false, note: 'trigger_deleted', triggerId: 'gone' },
  { check: 'expiry', passed: true, note: 'valid', atMs: T0 + 3_600_000, triggerId: 'idle-check-in' },
  {
    check: 'quiet_hours',
    passed: false,
    note: 'blocked',
    triggerId: 'idle-check-in',
    untilMs: T0 + 7_200_000,
    quiet: { startMinute: 1320, endMinute: 480 },
  },
  { check: 'mid_conversation', passed: true, note: 'clear', triggerId: 'idle-check-in', minutes: 30 },
  {
    check: 'user_caps',
    passed: true,
    note: 'clear',
    triggerId: 'idle-check-in',
    caps: { today: 1, perDay: 2, thisWeek: 3, perWeek: null },
  },
  {
    check: 'good_time',
    passed: false,
    note: 'next_good_hour',
    value: 0.75,
    limit: 0.5,
    atMs: T0 + 9_000_000,
    untilMs: T0 + 9_000_000,
    triggerId: 'idle-check-in',
  },
];

describe('stored traces', () => {
  it('read back as decided, the decision trigger named once for the row', () => {
    const stored = JSON.parse(traceJson(deferral, 'idle-check-in'));
    expect(decodeTrace(stored, 'idle-check-in')).toEqual(deferral);
    // the checks of the decision's own trigger do not repeat its id; another trigger's keep theirs
    expect(stored[7][3]).toBe(0);
    expect(stored[7][4]).toEqual([1320, 480]);
    expect(stored[5][3]).toBe('gone');
  });

  it('leave out what a check does not carry', () => {
    expect(traceJson([{ check: 'consent', passed: false, note: 'opted_out' }], null)).toBe(
      '[["consent",0,"opted_out"]]',
    );
  });

  it('keep a check of the trigger when the decision has none', () => {
    const check: Check = { check: 'expiry', passed: false, note: 'expired', triggerId: 'x', atMs: T0 };
    expect(decodeTrace(JSON.parse(traceJson([check], null)), null)).toEqual([check]);
  });

  it('say the same words after the round trip', () => {
    const stored = JSON.parse(traceJson(deferral, 'idle-check-in'));
    const words = decodeTrace(stored, 'idle-check-in').map((c) => ('legacy' in c ? '' : describeCheck(c)));
    expect(words).toEqual(deferral.map(describeCheck));
    expect(words[7]).toBe('in quiet hours 22:00-08:00 local');
    expect(words[9]).toBe("1 today (cap 2), 3 this week (cap none) to this user, in the user's local time");
  });

  it('are a fraction of the size of the trace in words', () => {
    const codes = traceJson(deferral, 'idle-check-in').length;
    const words = JSON.stringify(deferral.map((c) => ({ ...c, detail: describeCheck(c) }))).length;
    expect(codes).toBeLessThan(words / 2);
  });

  it('are JSON whatever the ids and numbers hold', () => {
    const odd: Check = {
      check: 'trigger',
      passed: false,
      note: 'trigger_deleted',
      triggerId: 'quote " back \\ slash \u2028',
      value: Number.NaN,
      limit: -0,
      atMs: 1e21,
    };
    const stored = JSON.parse(traceJson([odd], 'other'));
    expect(stored).toEqual([['trigger', 0, 'trigger_deleted', odd.triggerId, null, null, 0, 1e21]]);
  });

  it('show a check stored in words, before the codes, as it was', () => {
    const legacy = { check: 'consent', passed: false, detail: 'the user opted out' };
    expect(decodeTrace([legacy], null)).toEqual([{ legacy }]);
  });
});
