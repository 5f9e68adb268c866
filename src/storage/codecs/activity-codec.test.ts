import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Histogram, observe, totalAt } from '../../domain/activity/histogram.js';
import {
  DEFAULT_SCALES,
  DEFAULT_VISIT_WEIGHTING,
  emptyUserActivity,
  observeActivity,
} from '../../domain/activity/user-activity.js';
import { ZoneOffsets } from '../../domain/shared/local-time.js';
import {
  decodePopulation,
  decodeUserActivity,
  encodePopulation,
  encodeUserActivity,
  quantiseHistogram,
} from './activity-codec.js';

const DAY = 86_400_000;

/** A model of 50 events in Buenos Aires, with an inference and in the population. */
function busyModel() {
  const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
  const zone = new ZoneOffsets('America/Argentina/Buenos_Aires');
  for (let i = 0; i < 50; i++)
    observeActivity(
      model,
      Date.parse('2026-01-01T00:00:00Z') + i * 7_777_777,
      zone,
      'explicit',
      DEFAULT_SCALES,
      DEFAULT_VISIT_WEIGHTING,
      i % 10 === 0 ? 60 : -180, // the offsets their timestamps carried: mostly Buenos Aires'
    );
  model.inferred = {
    offsetMinutes: -180,
    zone: 'America/Sao_Paulo',
    confidence: 0.8125,
    evidence: 42.5,
    atMs: 1_767_225_600_123,
  };
  model.populationAtMs = model.lastAtMs;
  return model;
}

/** Half a step of 2^(1/16), and values under 1/60,000 of the largest bin read as 0. */
function closeBins(got: Float64Array, want: Float64Array): number {
  const max = Math.max(...want);
  let nonZero = 0;
  for (let h = 0; h < 168; h++) {
    const ok =
      want[h]! < max * 2 ** (-254.5 / 16)
        ? got[h] === 0
        : Math.abs(got[h]! - want[h]!) <= want[h]! * (2 ** (1 / 32) - 1) + 1e-12;
    expect(ok, `bin ${h}: ${got[h]} for ${want[h]}`).toBe(true);
    if (want[h]! > 0) nonZero++;
  }
  return nonZero;
}

/** A histogram block as versions 1 and 2 wrote it: f64 reference, f64 total, f64 scale, 168 × u16. */
function linear16(h: Histogram): Buffer {
  const block = Buffer.alloc(24 + 2 * 168);
  const max = Math.max(...h.bins);
  const scale = max / 65_535;
  block.writeDoubleLE(h.refMs, 0);
  block.writeDoubleLE(h.total, 8);
  block.writeDoubleLE(scale, 16);
  for (let i = 0; i < 168; i++)
    block.writeUInt16LE(scale > 0 ? Math.round(h.bins[i]! / scale) : 0, 24 + 2 * i);
  return block;
}

/** Up to 60 weighted events in the first 60 days of 2026, as a property's input. */
const someEvents = fc.array(
  fc.record({ at: fc.nat(60 * DAY), weight: fc.double({ min: 0.01, max: 5, noNaN: true }) }),
  { minLength: 1, maxLength: 60 },
);

/** A model whose local histogram holds `events` (21 days of half-life). */
function modelOf(events: readonly { at: number; weight: number }[]) {
  const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
  for (const e of events)
    observe(model.local, Math.floor(e.at / 3_600_000) % 168, model.local.refMs + e.at, 21 * DAY, e.weight);
  return model;
}

describe('activity codec', () => {
  it('reads back what it wrote, each bin within 2.2%, from any offset of a buffer', () => {
    const model = busyModel();
    const bytes = encodeUserActivity(model);
    expect(bytes.length).toBeLessThan(700);
    // as a slice of a larger buffer, the way a driver may hand it back
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), bytes]).subarray(3);
    const back = decodeUserActivity(shifted);
    expect(back.localZone).toBe('America/Argentina/Buenos_Aires');
    expect(back.localZoneSource).toBe('explicit');
    expect(back.inferred).toEqual(model.inferred);
    expect(back.lastAtMs).toBe(model.lastAtMs);
    expect(Number.isFinite(back.lastAtMs)).toBe(true);
    expect(back.populationAtMs).toBe(model.lastAtMs);
    for (const key of ['local', 'utc', 'recentUtc'] as const) {
      expect(back[key].refMs).toBe(model[key].refMs);
      expect(back[key].total).toBe(model[key].total);
      expect(closeBins(back[key].bins, model[key].bins)).toBeGreaterThan(40);
    }
    expect(back.stamps.atMs).toBe(model.stamps.atMs);
    expect(back.stamps.entries.map((e) => e.minutes)).toEqual([-180, 60]);
    back.stamps.entries.forEach((e, i) => {
      expect(e.weight).toBeCloseTo(model.stamps.entries[i]!.weight, 5);
    });
    // the two memories differ: two months on, the recent one holds a seventh of the events
    const { longMs, recentMs } = DEFAULT_SCALES;
    const later = back.lastAtMs + 60 * DAY;
    expect(totalAt(back.recentUtc, later, recentMs)).toBeLessThan(0.2 * totalAt(back.utc, later, longMs));
  });

  it('keeps a model out of the population as -Infinity', () => {
    const model = busyModel();
    model.populationAtMs = Number.NEGATIVE_INFINITY;
    expect(decodeUserActivity(encodeUserActivity(model)).populationAtMs).toBe(Number.NEGATIVE_INFINITY);
  });

  it('quantises a histogram to its stored form, so a value computed from it now is the one read back later', () => {
    fc.assert(
      fc.property(someEvents, (events) => {
        const model = modelOf(events);
        quantiseHistogram(model.local);
        const once = Float64Array.from(model.local.bins);
        const back = decodeUserActivity(encodeUserActivity(model));
        for (let h = 0; h < 168; h++) expect(Object.is(back.local.bins[h], once[h])).toBe(true);
        // and quantising again changes nothing
        quantiseHistogram(model.local);
        for (let h = 0; h < 168; h++) expect(Object.is(model.local.bins[h], once[h])).toBe(true);
      }),
    );
  });

  /** The same model as an earlier version wrote it. */
  const legacy = (version: 1 | 2 | 3) => {
    const model = emptyUserActivity(Date.parse('2026-01-01T00:00:00Z'));
    model.inferred = { offsetMinutes: 540, zone: 'Asia/Tokyo', confidence: 0.5, evidence: 3, atMs: 1 };
    for (const iso of ['2026-01-02T20:00:00Z', '2026-01-05T11:00:00Z'])
      observeActivity(model, Date.parse(iso), new ZoneOffsets('Asia/Tokyo'), 'explicit', DEFAULT_SCALES);
    const current = encodeUserActivity(model);
    const localZone = Buffer.from('Asia/Tokyo');
    const header = Buffer.from(current.subarray(0, 32));
    header[0] = version;
    if (version === 3) {
      // the 8-bit blocks as today, without the recent one
      const blocks = current.subarray(40, 40 + 2 * 192);
      return { model, bytes: Buffer.concat([header, blocks, localZone, localZone]) };
    }
    const blocks = [model.local, model.utc].map(linear16);
    if (version === 2) return { model, bytes: Buffer.concat([header, ...blocks, localZone, localZone]) };
    // version 1: a 24-byte header with the offset in whole hours at 12 and the inference flag at
    // 13, and no inferred zone name after the local zone
    const v1 = header.subarray(0, 24);
    v1.writeInt8(9, 12);
    v1.writeUInt8(1, 13);
    v1.writeUInt16LE(0, 14);
    return { model, bytes: Buffer.concat([v1, ...blocks, localZone]) };
  };

  it('reads a version 3 model (one memory) as both memories, out of the population', () => {
    const { model, bytes } = legacy(3);
    const back = decodeUserActivity(bytes);
    expect(back.inferred).toMatchObject({ offsetMinutes: 540, zone: 'Asia/Tokyo' });
    expect(back.localZone).toBe('Asia/Tokyo');
    expect(back.lastAtMs).toBe(model.lastAtMs);
    expect(back.populationAtMs).toBe(Number.NEGATIVE_INFINITY);
    expect(back.stamps.entries).toEqual([]);
    closeBins(back.local.bins, model.local.bins);
    closeBins(back.utc.bins, model.utc.bins);
    expect(back.recentUtc).toEqual(back.utc);
    expect(back.recentUtc.bins).not.toBe(back.utc.bins);
  });

  it('reads a version 2 model (16-bit bins)', () => {
    const { model, bytes } = legacy(2);
    const back = decodeUserActivity(bytes);
    expect(back.inferred).toMatchObject({ offsetMinutes: 540, zone: 'Asia/Tokyo' });
    expect(back.lastAtMs).toBe(model.lastAtMs);
    expect(back.recentUtc).toEqual(back.utc);
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
    fc.assert(
      fc.property(someEvents, fc.nat(7), (events, shift) => {
        const model = modelOf(events);
        const bytes = encodeUserActivity(model);
        const shifted = Buffer.concat([Buffer.alloc(shift), bytes]).subarray(shift);
        const back = decodeUserActivity(shifted);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        expect(back.local.refMs).toBe(view.getFloat64(40, true));
        expect(back.local.total).toBe(view.getFloat64(48, true));
        const max = view.getFloat64(56, true);
        for (let h = 0; h < 168; h++) {
          const q = bytes[64 + h]!;
          expect(Object.is(back.local.bins[h], q === 0 ? 0 : max * 2 ** ((q - 255) / 16))).toBe(true);
        }
      }),
    );
  });

  it('keeps the population exactly, bins below 0 too, at any offset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e-9, max: 1e4, noNaN: true }), { minLength: 168, maxLength: 168 }),
        fc.double({ min: 0, max: 2e12, noNaN: true }),
        fc.nat(7),
        (bins, refMs, shift) => {
          const h = { refMs, total: bins.reduce((a, b) => a + b, 0), bins: Float64Array.from(bins) };
          const bytes = Buffer.concat([Buffer.alloc(shift), encodePopulation(h)]).subarray(shift);
          expect(decodePopulation(bytes)).toEqual(h);
        },
      ),
    );
  });

  it('reads a population shard of version 1 (summed counts, another meaning) as none', () => {
    const old = Buffer.concat([Buffer.from([1]), Buffer.alloc(15), linear16(busyModel().local)]);
    expect(decodePopulation(old)).toBeNull();
    const unknown = encodePopulation(busyModel().local);
    unknown[0] = 7;
    expect(() => decodePopulation(unknown)).toThrow('unknown population version 7');
  });

  it('refuses bytes of an unknown version', () => {
    const bytes = encodeUserActivity(emptyUserActivity(0));
    bytes[0] = 9;
    expect(() => decodeUserActivity(bytes)).toThrow('unknown activity model version 9');
  });
});
