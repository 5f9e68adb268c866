import { describe, expect, it } from 'vitest';
import { ZoneOffsets } from '../domain/activity/local-time.js';
import { emptyUserActivity, observeActivity } from '../domain/activity/user-activity.js';
import {
  decodeHistogram,
  decodeUserActivity,
  encodeHistogram,
  encodeUserActivity,
} from './activity-codec.js';

describe('activity codec', () => {
  it('reads back what it wrote, within 1/65535 of the largest bin, from any offset of a buffer', () => {
    const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
    const zone = new ZoneOffsets('America/Argentina/Buenos_Aires');
    for (let i = 0; i < 50; i++)
      observeActivity(
        model,
        Date.parse('2026-01-01T00:00:00Z') + i * 7_777_777,
        zone,
        'explicit',
        14 * 86_400_000,
      );
    model.inferred = {
      offsetHours: -3,
      zone: 'Etc/GMT+3',
      confidence: 0.8125,
      evidence: 42.5,
      atMs: 1_767_225_600_123,
    };
    const bytes = encodeUserActivity(model);
    expect(bytes.length).toBeLessThan(800);
    // as a slice of a larger buffer, the way a driver may hand it back
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), bytes]).subarray(3);
    const back = decodeUserActivity(shifted);
    expect(back.localZone).toBe('America/Argentina/Buenos_Aires');
    expect(back.localZoneSource).toBe('explicit');
    expect(back.inferred).toEqual(model.inferred);
    expect(back.lastAtMs).toBe(model.lastAtMs);
    expect(back.lastAtMs).not.toBeNull();
    expect(back.local.refMs).toBe(model.local.refMs);
    expect(back.local.total).toBe(model.local.total);
    const tolerance = (bins: Float64Array) => Math.max(...bins) / 65_535;
    for (let h = 0; h < 168; h++) {
      expect(Math.abs(back.local.bins[h]! - model.local.bins[h]!)).toBeLessThanOrEqual(
        tolerance(model.local.bins),
      );
      expect(Math.abs(back.utc.bins[h]! - model.utc.bins[h]!)).toBeLessThanOrEqual(tolerance(model.utc.bins));
    }
    const population = decodeHistogram(
      Buffer.concat([Buffer.from([9]), encodeHistogram(model.local)]).subarray(1),
    );
    expect(population.total).toBe(model.local.total);
  });

  it('reads a version 1 model (no last instant) as written before visits were weighted', () => {
    const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
    observeActivity(
      model,
      Date.parse('2026-01-02T20:00:00Z'),
      new ZoneOffsets('Asia/Tokyo'),
      'explicit',
      14 * 86_400_000,
    );
    const v2 = encodeUserActivity(model);
    // version 1: the same header without its last 8 bytes
    const v1 = Buffer.concat([v2.subarray(0, 24), v2.subarray(32)]);
    v1[0] = 1;
    const back = decodeUserActivity(v1);
    expect(back.lastAtMs).toBeNull();
    expect(back.localZone).toBe('Asia/Tokyo');
    expect(back.local.total).toBe(model.local.total);
    expect(Array.from(back.utc.bins)).toEqual(Array.from(decodeUserActivity(v2).utc.bins));
  });

  it('refuses bytes of an unknown version', () => {
    const bytes = encodeUserActivity(emptyUserActivity(0));
    bytes[0] = 9;
    expect(() => decodeUserActivity(bytes)).toThrow('unknown activity model version 9');
  });
});
