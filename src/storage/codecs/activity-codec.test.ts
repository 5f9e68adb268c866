import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observe } from '../../domain/activity/histogram.js';
import { emptyUserActivity, observeActivity } from '../../domain/activity/user-activity.js';
import { ZoneOffsets } from '../../domain/shared/local-time.js';
import {
  decodeHistogram,
  decodeUserActivity,
  encodeHistogram,
  encodeUserActivity,
} from './activity-codec.js';

describe('activity codec', () => {
  it('reads back what it wrote, each bin within 2.2%, from any offset of a buffer', () => {
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
    expect(bytes.length).toBeLessThan(480);
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
    // half a step of 2^(1/16), and values under 1/60,000 of the largest bin read as 0
    const close = (got: number, want: number, max: number) =>
      want < max * 2 ** (-254.5 / 16)
        ? got === 0
        : Math.abs(got - want) <= want * (2 ** (1 / 32) - 1) + 1e-12;
    let nonZero = 0;
    for (const [got, want] of [
      [back.local.bins, model.local.bins],
      [back.utc.bins, model.utc.bins],
    ] as const) {
      const max = Math.max(...want);
      for (let h = 0; h < 168; h++) {
        expect(close(got[h]!, want[h]!, max), `bin ${h}: ${got[h]} for ${want[h]}`).toBe(true);
        if (want[h]! > 0) nonZero++;
      }
    }
    expect(nonZero).toBeGreaterThan(40);
    // the population keeps 16-bit linear bins
    const population = decodeHistogram(
      Buffer.concat([Buffer.from([9]), encodeHistogram(model.local)]).subarray(1),
    );
    expect(population.total).toBe(model.local.total);
    const max = Math.max(...model.local.bins);
    for (let h = 0; h < 168; h++)
      expect(Math.abs(population.bins[h]! - model.local.bins[h]!)).toBeLessThanOrEqual(max / 65_535);
  });

  /** The same model as an earlier version wrote it: 16-bit linear bins (as the population's). */
  const legacy = (version: 1 | 2) => {
    const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
    model.inferred = { offsetMinutes: 540, zone: 'Asia/Tokyo', confidence: 0.5, evidence: 3, atMs: 1 };
    for (const iso of ['2026-01-02T20:00:00Z', '2026-01-05T11:00:00Z'])
      observeActivity(model, Date.parse(iso), new ZoneOffsets('Asia/Tokyo'), 'explicit', 14 * 86_400_000);
    const current = encodeUserActivity(model);
    const blocks = [model.local, model.utc].map((h) => encodeHistogram(h).subarray(16));
    const localZone = Buffer.from('Asia/Tokyo');
    const header = Buffer.from(current.subarray(0, 32));
    header[0] = version;
    if (version === 2) return { model, bytes: Buffer.concat([header, ...blocks, localZone, localZone]) };
    // version 1: a 24-byte header with the offset in whole hours at 12 and the inference flag at
    // 13, and no inferred zone name after the local zone
    const v1 = header.subarray(0, 24);
    v1.writeInt8(9, 12);
    v1.writeUInt8(1, 13);
    v1.writeUInt16LE(0, 14);
    return { model, bytes: Buffer.concat([v1, ...blocks, localZone]) };
  };

  it('reads a version 2 model (16-bit bins)', () => {
    const { model, bytes } = legacy(2);
    const back = decodeUserActivity(bytes);
    expect(back.inferred).toMatchObject({ offsetMinutes: 540, zone: 'Asia/Tokyo' });
    expect(back.lastAtMs).toBe(model.lastAtMs);
    const max = Math.max(...model.utc.bins);
    for (let h = 0; h < 168; h++)
      expect(Math.abs(back.utc.bins[h]! - model.utc.bins[h]!)).toBeLessThanOrEqual(max / 65_535);
  });

  it('reads a version 1 model (no last instant) as written before visits were weighted', () => {
    const { model, bytes } = legacy(1);
    const back = decodeUserActivity(bytes);
    expect(back.lastAtMs).toBe(Number.NEGATIVE_INFINITY);
    expect(back.inferred).toMatchObject({ offsetMinutes: 540, zone: 'Etc/GMT-9', confidence: 0.5 });
    expect(back.localZone).toBe('Asia/Tokyo');
    expect(back.local.total).toBe(model.local.total);
    const max = Math.max(...model.local.bins);
    for (let h = 0; h < 168; h++)
      expect(Math.abs(back.local.bins[h]! - model.local.bins[h]!)).toBeLessThanOrEqual(max / 65_535);
  });

  it('reads each bin as exactly largest × 2^((q - 255) / 16) and the heads as written, at any offset', () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(60 * day), weight: fc.double({ min: 0.01, max: 5, noNaN: true }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.nat(7),
        (events, shift) => {
          const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
          for (const e of events)
            observe(
              model.local,
              Math.floor(e.at / 3_600_000) % 168,
              model.local.refMs + e.at,
              21 * day,
              e.weight,
            );
          const bytes = encodeUserActivity(model);
          const shifted = Buffer.concat([Buffer.alloc(shift), bytes]).subarray(shift);
          const back = decodeUserActivity(shifted);
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          expect(back.local.refMs).toBe(view.getFloat64(32, true));
          expect(back.local.total).toBe(view.getFloat64(40, true));
          const max = view.getFloat64(48, true);
          for (let h = 0; h < 168; h++) {
            const q = bytes[56 + h]!;
            expect(Object.is(back.local.bins[h], q === 0 ? 0 : max * 2 ** ((q - 255) / 16))).toBe(true);
          }
          const population = decodeHistogram(
            Buffer.concat([Buffer.alloc(shift), encodeHistogram(model.local)]).subarray(shift),
          );
          const stored = encodeHistogram(model.local);
          const scale = stored.readDoubleLE(32);
          for (let h = 0; h < 168; h++)
            expect(Object.is(population.bins[h], stored.readUInt16LE(40 + 2 * h) * scale)).toBe(true);
        },
      ),
    );
  });

  it('refuses bytes of an unknown version', () => {
    const bytes = encodeUserActivity(emptyUserActivity(0));
    bytes[0] = 9;
    expect(() => decodeUserActivity(bytes)).toThrow('unknown activity model version 9');
  });
});
