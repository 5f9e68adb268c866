import { describe, expect, it } from 'vitest';
import { ZoneOffsets } from '../shared/local-time.js';
import { cronProblem, OccurrenceCache, Schedule } from './schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const berlin = new ZoneOffsets('Europe/Berlin');
const chicago = new ZoneOffsets('America/Chicago');

describe('schedules in local time', () => {
  it('fires at 09:00 Berlin on the weekdays around both DST changes of 2026', () => {
    const weekdays = new Schedule({ cron: '0 9 * * 1-5' });
    expect(iso(weekdays.nextAfter(berlin, at('2026-03-27T12:00:00Z')))).toBe('2026-03-30T07:00:00.000Z');
    expect(iso(weekdays.nextAfter(berlin, at('2026-03-26T12:00:00Z')))).toBe('2026-03-27T08:00:00.000Z');
    expect(iso(weekdays.nextAfter(berlin, at('2026-10-23T12:00:00Z')))).toBe('2026-10-26T08:00:00.000Z');
  });

  it('fires a 02:30 that the clock skips at 03:00, and a repeated 02:30 once', () => {
    const night = new Schedule({ cron: '30 2 * * *' });
    expect(iso(night.nextAfter(berlin, at('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    const first = night.nextAfter(berlin, at('2026-10-24T12:00:00Z'))!;
    expect(iso(first)).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(night.nextAfter(berlin, first))).toBe('2026-10-26T01:30:00.000Z');
  });

  it('honours Sunday as 0 and as 7, and a 31st only in months that have one', () => {
    expect(iso(new Schedule({ cron: '0 17 * * 0' }).nextAfter(chicago, at('2026-11-23T00:00:00Z')))).toBe(
      '2026-11-29T23:00:00.000Z',
    );
    expect(iso(new Schedule({ cron: '0 17 * * 7' }).nextAfter(chicago, at('2026-11-23T00:00:00Z')))).toBe(
      '2026-11-29T23:00:00.000Z',
    );
    expect(iso(new Schedule({ cron: '0 9 31 * *' }).nextAfter(chicago, at('2026-04-01T00:00:00Z')))).toBe(
      '2026-05-31T14:00:00.000Z',
    );
  });

  it("is the same local time in each user's zone", () => {
    const review = new Schedule({ cron: '0 17 * * 5' });
    const after = at('2026-11-23T00:00:00Z');
    expect(iso(review.nextAfter(chicago, after))).toBe('2026-11-27T23:00:00.000Z');
    expect(iso(review.nextAfter(new ZoneOffsets('Asia/Kolkata'), after))).toBe('2026-11-27T11:30:00.000Z');
  });

  it('steps a fixed interval on the local wall clock from its first occurrence', () => {
    const daily = new Schedule({ everyMinutes: 24 * 60, startsAtLocalMs: at('2026-03-25T08:00:00Z') });
    expect(iso(daily.nextAfter(berlin, at('2026-03-20T00:00:00Z')))).toBe('2026-03-25T07:00:00.000Z');
    expect(iso(daily.nextAfter(berlin, at('2026-03-29T12:00:00Z')))).toBe('2026-03-30T06:00:00.000Z');
  });

  it('finds the latest occurrence in a window, for a sweep that comes late', () => {
    const hourly = new Schedule({ cron: '0 * * * *' });
    expect(iso(hourly.latestIn(chicago, at('2026-11-23T10:10:00Z'), at('2026-11-23T13:30:00Z')))).toBe(
      '2026-11-23T13:00:00.000Z',
    );
    expect(hourly.latestIn(chicago, at('2026-11-23T10:10:00Z'), at('2026-11-23T10:50:00Z'))).toBeNull();
  });

  it('names what is wrong with a bad cron expression', () => {
    expect(cronProblem('61 * * * *')).toMatch(/minute/);
    expect(cronProblem('0 9 * * 1-5')).toBeNull();
  });

  it('answers from the cache until the occurrence passes', () => {
    const cache = new OccurrenceCache();
    const s = new Schedule({ cron: '0 9 * * *' });
    const first = cache.nextAfter('t', s, chicago, at('2026-11-23T10:00:00Z'));
    expect(cache.nextAfter('t', s, chicago, at('2026-11-23T14:59:00Z'))).toBe(first);
    expect(iso(cache.nextAfter('t', s, chicago, at('2026-11-23T15:00:00Z')))).toBe(
      '2026-11-24T15:00:00.000Z',
    );
  });
});
