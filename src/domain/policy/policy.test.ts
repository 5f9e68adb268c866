import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneOffsets } from '../shared/local-time.js';
import { checkCaps, localDay, type ProactiveAct } from './frequency-cap.js';
import { DEFAULT_POLICY, policyFor } from './policy.js';
import { isQuietMinute, localMinuteOfDay, quietHoursEnd } from './quiet-hours.js';

const at = (iso: string) => Date.parse(iso);
const berlin = new ZoneOffsets('Europe/Berlin');
const quiet = (start: string, end: string) => {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return { startMinute: m(start), endMinute: m(end) };
};

describe('local wall clock to instant', () => {
  it('finds 09:00 Berlin in winter and in summer', () => {
    expect(berlin.toUtc(at('2026-01-15T09:00:00Z'))).toBe(at('2026-01-15T08:00:00Z'));
    expect(berlin.toUtc(at('2026-07-15T09:00:00Z'))).toBe(at('2026-07-15T07:00:00Z'));
  });

  it('maps 02:30 on the night clocks go forward to 03:00 local, the end of the gap', () => {
    expect(berlin.toUtc(at('2026-03-29T02:30:00Z'))).toBe(at('2026-03-29T01:00:00Z'));
  });

  it('takes the earlier 02:30 on the night clocks go back', () => {
    expect(berlin.toUtc(at('2026-10-25T02:30:00Z'))).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('round-trips every quarter hour of a year in zones with DST and half-hour offsets', () => {
    for (const zone of ['America/Chicago', 'Asia/Kolkata', 'Australia/Adelaide', 'America/St_Johns']) {
      const z = new ZoneOffsets(zone);
      for (let ms = at('2026-01-01T00:00:00Z'); ms < at('2027-01-01T00:00:00Z'); ms += 15 * 60_000) {
        const back = z.toUtc(z.toLocal(ms));
        // in the hour a clock goes back the earlier instant is chosen
        expect(back === ms || (back < ms && z.toLocal(back) === z.toLocal(ms))).toBe(true);
      }
    }
  });
});

describe('quiet hours', () => {
  it('spans midnight and starts at 00:00', () => {
    const night = quiet('22:00', '08:00');
    expect(isQuietMinute(23 * 60, night)).toBe(true);
    expect(isQuietMinute(3 * 60, night)).toBe(true);
    expect(isQuietMinute(8 * 60, night)).toBe(false);
    expect(isQuietMinute(21 * 60 + 59, night)).toBe(false);
    const early = quiet('00:00', '07:00');
    expect(isQuietMinute(0, early)).toBe(true);
    expect(isQuietMinute(6 * 60 + 59, early)).toBe(true);
    expect(isQuietMinute(23 * 60 + 59, early)).toBe(false);
    expect(isQuietMinute(12 * 60, quiet('09:00', '09:00'))).toBe(false);
  });

  it('reads the minute of the local day, before and after midnight UTC', () => {
    const kolkata = new ZoneOffsets('Asia/Kolkata');
    expect(localMinuteOfDay(kolkata, at('2026-11-23T00:00:00Z'))).toBe(5 * 60 + 30);
    expect(localMinuteOfDay(new ZoneOffsets('America/Chicago'), at('2026-11-23T03:15:00Z'))).toBe(
      21 * 60 + 15,
    );
  });

  it('ends at 08:00 local the next morning, in the user zone', () => {
    const chicago = new ZoneOffsets('America/Chicago');
    // 23:00 in Chicago on 2026-11-23 is 05:00Z on the 24th
    expect(quietHoursEnd(chicago, at('2026-11-24T05:00:00Z'), DEFAULT_POLICY.quietHours!)).toBe(
      at('2026-11-24T14:00:00Z'),
    );
    expect(quietHoursEnd(chicago, at('2026-11-24T20:00:00Z'), DEFAULT_POLICY.quietHours!)).toBe(
      at('2026-11-24T20:00:00Z'),
    );
  });

  it('ends at 08:00 local on the morning after clocks go forward', () => {
    // 01:00 Berlin on 2026-03-29 (CET) is 00:00Z; 08:00 CEST that day is 06:00Z
    expect(quietHoursEnd(berlin, at('2026-03-29T00:00:00Z'), DEFAULT_POLICY.quietHours!)).toBe(
      at('2026-03-29T06:00:00Z'),
    );
  });

  it('always lands outside the window, in any zone and for any window', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/Chicago',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'America/St_Johns',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z') }),
        fc.nat(1439),
        fc.nat(1439),
        (zone, ms, startMinute, endMinute) => {
          const z = new ZoneOffsets(zone);
          const window = { startMinute, endMinute };
          const end = quietHoursEnd(z, ms, window);
          const minute = localMinuteOfDay(z, end);
          expect(end).toBeGreaterThanOrEqual(ms);
          expect(end - ms).toBeLessThanOrEqual(26 * 3_600_000);
          expect(isQuietMinute(minute, window)).toBe(false);
        },
      ),
    );
  });
});

describe('frequency caps in local time', () => {
  const act = (iso: string, characterId = 'luna', triggerId = 't1'): ProactiveAct => ({
    atMs: at(iso),
    characterId,
    triggerId,
  });
  const tokyo = new ZoneOffsets('Asia/Tokyo');

  it("counts the user's local day, not the UTC one", () => {
    // 23:30Z on the 22nd is 08:30 on the 23rd in Tokyo: the same local day as 10:00 local
    const acts = [act('2026-11-22T23:30:00Z')];
    const check = checkCaps(tokyo, at('2026-11-23T01:00:00Z'), acts, { perDay: 1, perWeek: null });
    expect(check.today).toBe(1);
    // allowed again at local midnight: 15:00Z
    expect(check.blockedUntilMs).toBe(at('2026-11-23T15:00:00Z'));
    expect(localDay(tokyo, at('2026-11-23T15:00:00Z'))).toBe(localDay(tokyo, at('2026-11-23T01:00:00Z')) + 1);
  });

  it('resets the week on Monday 00:00 local', () => {
    // 2026-11-23 is a Monday; earlier that week: Wednesday and Friday
    const acts = [act('2026-11-18T10:00:00Z'), act('2026-11-20T10:00:00Z')];
    const sunday = checkCaps(berlin, at('2026-11-22T10:00:00Z'), acts, { perDay: null, perWeek: 2 });
    expect(sunday.limit).toBe('per_week');
    expect(sunday.blockedUntilMs).toBe(at('2026-11-22T23:00:00Z'));
    const monday = checkCaps(berlin, at('2026-11-23T00:30:00Z'), acts, { perDay: null, perWeek: 2 });
    expect(monday.thisWeek).toBe(0);
    expect(monday.blockedUntilMs).toBeNull();
  });
});

describe('policy per character', () => {
  it("applies a character's overrides over the tenant defaults", () => {
    const tenant = {
      defaults: DEFAULT_POLICY,
      characters: { max: { minTrust: 0.6 } },
    };
    expect(policyFor(tenant, 'max').minTrust).toBe(0.6);
    expect(policyFor(tenant, 'max').quietHours).toEqual(DEFAULT_POLICY.quietHours);
    expect(policyFor(tenant, 'max', false).proactiveEnabled).toBe(false);
    expect(policyFor(tenant, 'luna')).toEqual(DEFAULT_POLICY);
  });
});
