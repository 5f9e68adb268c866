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
    expect(sendGate({ consent: 'unknown', zone: chicago }, policy, at('2026-11-24T02:00:00Z'))).toEqual({
      verdict: 'send',
    }); // 20:00 in Chicago
  });

  it('holds a message approved at night until the quiet hours end in the user’s zone, across a DST change', () => {
    // 23:30 in Chicago on 2026-11-23 (CST, UTC-6): waits until 08:00 local = 14:00Z
    expect(sendGate({ consent: 'opted_in', zone: chicago }, policy, at('2026-11-24T05:30:00Z'))).toEqual({
      verdict: 'wait',
      untilMs: at('2026-11-24T14:00:00Z'),
      reason: 'quiet hours (22:00-08:00 local)',
    });
    // the night DST ends (2026-11-01 02:00 CDT → 01:00 CST): 08:00 local is 14:00Z
    expect(
      sendGate({ consent: 'opted_in', zone: chicago }, policy, at('2026-11-01T06:00:00Z')),
    ).toMatchObject({
      untilMs: at('2026-11-01T14:00:00Z'),
    });
  });

  it('stops a message whose user opted out, or whose sending was turned off, since it was approved', () => {
    const night = at('2026-11-24T02:00:00Z');
    expect(sendGate({ consent: 'opted_out', zone: chicago }, policy, night)).toEqual({
      verdict: 'stop',
      reason: 'the user opted out',
    });
    expect(
      sendGate({ consent: 'unknown', zone: chicago }, { ...policy, requireOptIn: true }, night),
    ).toMatchObject({
      verdict: 'stop',
    });
    expect(
      sendGate({ consent: 'opted_in', zone: chicago }, { ...policy, allowProactive: false }, night),
    ).toEqual({
      verdict: 'stop',
      reason: 'proactive messages were turned off for the tenant',
    });
    expect(
      sendGate({ consent: 'opted_in', zone: chicago }, { ...policy, proactiveEnabled: false }, night),
    ).toMatchObject({
      reason: 'proactive messages were turned off for the character',
    });
  });
});
