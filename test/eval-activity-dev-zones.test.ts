import { describe, expect, it } from 'vitest';
import { countOffsets, zoneForOffsets, zoneOffsetAt } from '../eval/activity-dev/zones.js';

// The zone the real-activity evaluation (eval/activity-dev) gives the engine for a person, from
// the offsets of their train events. Pure code outside src/, tested here because vitest runs
// src/ and test/ only.

const zoneOf = (counts: Record<string, number>) => zoneForOffsets(new Map(Object.entries(counts)));

describe('the offset-to-zone mapping of the real-activity evaluation', () => {
  it('names the zone of a DST pair whichever of the two is more frequent', () => {
    expect(zoneOf({ '+02:00': 50, '+01:00': 30 }).zone).toBe('Europe/Berlin');
    expect(zoneOf({ '+01:00': 50, '+02:00': 30 }).zone).toBe('Europe/Berlin');
    expect(zoneOf({ '-07:00': 40, '-08:00': 30 })).toMatchObject({
      zone: 'America/Los_Angeles',
      rule: 'dst_pair',
    });
    expect(zoneOf({ '+01:00': 60, '+00:00': 40 }).zone).toBe('Europe/London');
  });

  it('pairs the primary with the most frequent offset one hour away, not with a UTC machine', () => {
    expect(zoneOf({ '+02:00': 50, '+00:00': 40, '+01:00': 20 }).zone).toBe('Europe/Berlin');
  });

  it('does not make a pair of an offset seen in under a tenth of the primary count', () => {
    expect(zoneOf({ '+08:00': 100, '+09:00': 9 })).toMatchObject({ zone: 'Asia/Shanghai', rule: 'single' });
    expect(zoneOf({ '-05:00': 100, '-06:00': 9 })).toMatchObject({ zone: 'Etc/GMT+5', rule: 'fixed' });
  });

  it('gives a fixed Etc zone, whose sign is inverted, for other whole hours', () => {
    expect(zoneOf({ '+02:00': 10 }).zone).toBe('Etc/GMT-2');
    expect(zoneOf({ '-04:00': 10 }).zone).toBe('Etc/GMT+4');
    expect(zoneOffsetAt('Etc/GMT-2', Date.UTC(2026, 0, 15))).toBe('+02:00');
    expect(zoneOf({ '+00:00': 10 }).zone).toBe('UTC');
  });

  it('falls back to UTC for a half-hour offset it has no zone for', () => {
    expect(zoneOf({ '+06:45': 10 })).toMatchObject({ zone: 'UTC', rule: 'utc_fallback' });
    expect(zoneOf({ '+05:30': 10 }).zone).toBe('Asia/Kolkata');
  });

  it('counts offsets from ISO strings, Z as +00:00', () => {
    const counts = countOffsets([
      '2019-03-04T09:12:55+01:00',
      '2019-03-05T09:12:55+01:00',
      '2019-03-05T08:00:00Z',
    ]);
    expect(Object.fromEntries(counts)).toEqual({ '+01:00': 2, '+00:00': 1 });
  });

  it('breaks a tie between offsets the same way whatever the order of events', () => {
    expect(zoneOf({ '-03:00': 5, '+09:00': 5 }).zone).toBe(zoneOf({ '+09:00': 5, '-03:00': 5 }).zone);
  });
});
