import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hourOfWeekAt, ZoneOffsets } from './local-time.js';

const at = (iso: string) => Date.parse(iso);
const how = (day: number, hour: number) => day * 24 + hour;

describe('ZoneOffsets', () => {
  it('places Monday 00:30 local on Monday, not Sunday, east of UTC', () => {
    const berlin = new ZoneOffsets('Europe/Berlin');
    // Monday 2026-01-05 00:30 in Berlin is Sunday 23:30 UTC
    expect(berlin.hourOfWeek(at('2026-01-04T23:30:00Z'))).toBe(how(0, 0));
  });

  it('follows Berlin across both 2026 DST changes', () => {
    const berlin = new ZoneOffsets('Europe/Berlin');
    // clocks go forward Sunday 29 March 2026 at 02:00 (01:00 UTC)
    expect(berlin.offsetMinutes(at('2026-03-29T00:59:00Z'))).toBe(60);
    expect(berlin.offsetMinutes(at('2026-03-29T01:00:00Z'))).toBe(120);
    expect(berlin.hourOfWeek(at('2026-03-29T00:30:00Z'))).toBe(how(6, 1));
    expect(berlin.hourOfWeek(at('2026-03-29T01:30:00Z'))).toBe(how(6, 3));
    // and back Sunday 25 October 2026 at 03:00 (01:00 UTC): 02:xx happens twice
    expect(berlin.hourOfWeek(at('2026-10-25T00:30:00Z'))).toBe(how(6, 2));
    expect(berlin.hourOfWeek(at('2026-10-25T01:30:00Z'))).toBe(how(6, 2));
    expect(berlin.hourOfWeek(at('2026-10-25T02:30:00Z'))).toBe(how(6, 3));
  });

  it('handles half-hour offsets and transitions at half past the UTC hour (Adelaide)', () => {
    const adelaide = new ZoneOffsets('Australia/Adelaide');
    // DST ends Sunday 5 April 2026 at 03:00 ACDT (+10:30) = 16:30 UTC Saturday
    expect(adelaide.offsetMinutes(at('2026-04-04T16:15:00Z'))).toBe(630);
    expect(adelaide.offsetMinutes(at('2026-04-04T16:45:00Z'))).toBe(570);
    expect(new ZoneOffsets('Asia/Kolkata').hourOfWeek(at('2026-01-05T18:29:00Z'))).toBe(how(0, 23));
  });

  it('places an instant west of UTC on the previous local day', () => {
    const ny = new ZoneOffsets('America/New_York');
    expect(ny.hourOfWeek(at('2026-01-06T03:00:00Z'))).toBe(how(0, 22));
  });

  it('gives the offset of instants in the years 1 to 99 too (Date.UTC reads them as 1901 to 1999)', () => {
    expect(new ZoneOffsets('UTC').offsetMinutes(at('0001-01-01T00:00:00Z'))).toBe(0);
    expect(new ZoneOffsets('Asia/Tokyo').offsetMinutes(at('0099-06-30T12:00:00Z'))).toBe(559); // its local mean time, +9:18:59
    expect(new ZoneOffsets('UTC').hourOfWeek(at('0001-01-01T00:00:00Z'))).toBe(how(0, 0)); // a Monday
  });

  it('gives the time to the next local hour, with half-hour zones', () => {
    expect(new ZoneOffsets('Asia/Kolkata').untilNextLocalHour(at('2026-01-05T10:00:00Z'))).toBe(30 * 60_000);
    expect(new ZoneOffsets('UTC').untilNextLocalHour(at('2026-01-05T10:15:00Z'))).toBe(45 * 60_000);
  });

  it('agrees with Intl on every hour of a year in several zones', () => {
    for (const zone of [
      'Europe/Berlin',
      'America/Sao_Paulo',
      'Australia/Lord_Howe',
      'Asia/Tehran',
      'Pacific/Chatham',
    ]) {
      const offsets = new ZoneOffsets(zone);
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'short',
        hour: 'numeric',
        hourCycle: 'h23',
      });
      const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
      for (
        let ms = at('2026-01-01T00:07:00Z');
        ms < at('2027-01-01T00:00:00Z');
        ms += 3_600_000 + 17 * 60_000
      ) {
        const parts = format.formatToParts(new Date(ms));
        const expected = how(
          days.indexOf(parts.find((p) => p.type === 'weekday')!.value),
          Number(parts.find((p) => p.type === 'hour')!.value),
        );
        if (offsets.hourOfWeek(ms) !== expected)
          throw new Error(`${zone} ${new Date(ms).toISOString()}: ${offsets.hourOfWeek(ms)} != ${expected}`);
      }
    }
  });
});

describe('hourOfWeekAt', () => {
  it('starts the week on Monday', () => {
    expect(hourOfWeekAt(at('2026-01-05T00:00:00Z'))).toBe(0);
    expect(hourOfWeekAt(at('2026-01-11T23:59:59Z'))).toBe(167);
    expect(hourOfWeekAt(at('1969-12-29T00:00:00Z'))).toBe(0);
  });

  it('is the weekday times 24 plus the hour of the day, before 1970 and long after', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }), (ms) => {
        const d = new Date(ms);
        const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
        expect(hourOfWeekAt(ms)).toBe(weekday * 24 + d.getUTCHours());
      }),
      { numRuns: 5000 },
    );
  });
});
