import { describe, expect, it } from 'vitest';
import { emptyOffsetEvidence, observeOffset, offsetOfTimestamp, offsetWeightsAt } from './offset-evidence.js';
import { GENERIC_PROFILE } from './profile.js';
import { fixedOffsetZone, inferZone } from './zone-inference.js';

const DAY = 86_400_000;
const HALF_LIFE = 21 * DAY;

describe("the offsets in events' timestamps (issue 19, item 2)", () => {
  it('reads the offset a timestamp was written with, and none from Z or +00:00', () => {
    expect(offsetOfTimestamp('2026-11-23T21:05:00+01:00')).toBe(60);
    expect(offsetOfTimestamp('2026-11-23T21:05:00.123-04:00')).toBe(-240);
    expect(offsetOfTimestamp('2026-11-23T21:05:00+05:30')).toBe(330);
    expect(offsetOfTimestamp('2026-11-23T21:05:00+05:45')).toBe(345);
    expect(offsetOfTimestamp('2026-11-23T21:05:00Z')).toBeNull();
    expect(offsetOfTimestamp('2026-11-23T21:05:00+00:00')).toBeNull();
    expect(offsetOfTimestamp('2026-11-23T21:05:00-00:00')).toBeNull();
  });

  it('fades the offsets of old events and follows a change to summer time', () => {
    const e = emptyOffsetEvidence();
    const start = Date.parse('2026-01-05T20:00:00Z');
    for (let d = 0; d < 60; d++) observeOffset(e, 60, start + d * DAY, HALF_LIFE, 1);
    for (let d = 60; d < 90; d++) observeOffset(e, 120, start + d * DAY, HALF_LIFE, 1);
    const w = offsetWeightsAt(e, start + 90 * DAY, HALF_LIFE);
    expect(w.get(120)! > w.get(60)!).toBe(true);
    // an event older than the evidence counts faded to it, not as new
    const before = offsetWeightsAt(e, e.atMs, HALF_LIFE).get(60)!;
    observeOffset(e, 60, start, HALF_LIFE, 1);
    const after = offsetWeightsAt(e, e.atMs, HALF_LIFE).get(60)!;
    expect(after - before).toBeCloseTo(2 ** (-89 / 21), 6);
  });

  it('keeps the four heaviest offsets', () => {
    const e = emptyOffsetEvidence();
    [60, 120, -300, 330, 540, 60, 60, 120].forEach((m, i) => {
      observeOffset(e, m, 1_000 + i, HALF_LIFE, 1);
    });
    expect(e.entries).toHaveLength(4);
    expect(e.entries[0]).toMatchObject({ minutes: 60 });
    expect(e.entries[1]).toMatchObject({ minutes: 120 });
    expect(offsetWeightsAt(emptyOffsetEvidence(), 0, HALF_LIFE).size).toBe(0);
  });

  it('places a user by the offsets their timestamps carry, where their rhythm alone cannot', () => {
    // a flat rhythm says nothing of the zone; six stamped events at +05:30 do
    const flat = new Float64Array(168).fill(0.1);
    const none = inferZone(flat, GENERIC_PROFILE);
    expect(none!.confidence).toBeLessThan(0.7);
    const stamped = inferZone(flat, GENERIC_PROFILE, [], undefined, new Map([[330, 6]]));
    expect(stamped).toMatchObject({ offsetMinutes: 330, zone: 'Asia/Kolkata' });
    expect(stamped!.confidence).toBeGreaterThan(0.9);
    // the tenant's own zone at that offset is preferred to the generic name
    const known = [{ zone: 'Asia/Colombo', offsetMinutes: 330, users: 3 }];
    expect(inferZone(flat, GENERIC_PROFILE, known, undefined, new Map([[330, 6]]))!.zone).toBe(
      'Asia/Colombo',
    );
    // the offset most stamps carry wins over a trip's few, whatever the rhythm
    const evenings = new Float64Array(168);
    for (let d = 0; d < 7; d++) for (const h of [18, 19, 20]) evenings[d * 24 + h] = 20;
    const mostly = inferZone(
      evenings,
      GENERIC_PROFILE,
      [],
      undefined,
      new Map([
        [60, 8],
        [-300, 2],
      ]),
    );
    expect(mostly!.offsetMinutes).toBe(60);
    expect(mostly!.confidence).toBeGreaterThan(0.9);
    expect(fixedOffsetZone(345)).toBe('Asia/Kathmandu');
    expect(fixedOffsetZone(-180)).toBe('Etc/GMT+3');
  });
});
