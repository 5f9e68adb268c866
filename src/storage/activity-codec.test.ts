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
      offsetMinutes: -180,
      zone: 'America/Sao_Paulo',
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
    expect(Number.isFinite(back.lastAtMs)).toBe(true);
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
    model.inferred = { offsetMinutes: 540, zone: 'Asia/Tokyo', confidence: 0.5, evidence: 3, atMs: 1 };
    observeActivity(
      model,
      Date.parse('2026-01-02T20:00:00Z'),
      new ZoneOffsets('Asia/Tokyo'),
      'explicit',
      14 * 86_400_000,
    );
    const v2 = encodeUserActivity(model);
    // version 1: a 24-byte header with the offset in whole hours at 12, the inference flag at 13,
    // and no inferred zone name after the local zone
    const header = Buffer.from(v2.subarray(0, 24));
    header[0] = 1;
    header.writeInt8(9, 12);
    header.writeUInt8(1, 13);
    header.writeUInt16LE(0, 14);
    const v1 = Buffer.concat([header, v2.subarray(32, v2.length - 'Asia/Tokyo'.length)]);
    const back = decodeUserActivity(v1);
    expect(back.lastAtMs).toBe(Number.NEGATIVE_INFINITY);
    expect(back.inferred).toMatchObject({ offsetMinutes: 540, zone: 'Etc/GMT-9', confidence: 0.5 });
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
