import type { Histogram } from '../../domain/activity/histogram.js';
import { emptyOffsetEvidence, type OffsetEvidence } from '../../domain/activity/offset-evidence.js';
import type { UserActivity } from '../../domain/activity/user-activity.js';
import { fixedOffsetZone, type ZoneSource } from '../../domain/activity/zone-inference.js';
import { HOURS_PER_WEEK } from '../../domain/shared/local-time.js';

/**
 * Binary form of the activity models. A user's bins are 8-bit steps of 1/16 of a doubling below
 * the histogram's largest bin (within 2.2% of each value, under what smoothing and the prior
 * blur; values under 1/60,000 of the largest are 0), so a model is about 450 bytes: ingest reads
 * and rewrites one per active user per batch, and PostgreSQL's cost grows with that size. The
 * tenant's population keeps 16-bit linear bins (one row per shard, not per user). Blocks are
 * aligned so that bins are copied as whole typed arrays (per-value reads cost ~10 ms a batch).
 *
 * Layout (little-endian), version 4, 40-byte header:
 *   0 u8 version, 1 u8 local zone source (0 none, 1 explicit, 2 inferred, 3 default),
 *   2 u16 local zone length, 4 f32 inference confidence, 8 f32 inference evidence,
 *   12 i16 inferred offset minutes, 14 u8 has inference, 15 u8 inferred zone length,
 *   16 f64 inference instant, 24 f64 last observed instant (-Infinity for none),
 *   32 f64 instant the user's shape joined the population (-Infinity for none);
 *   40 local histogram, 232 utc histogram, 424 recent utc histogram (each f64 reference ms, f64
 *   total, f64 largest bin, 168 × u8 bins, bin = 0 or largest × 2^((u8 - 255) / 16)); 616 the
 *   local zone, then the inferred zone, UTF-8; then the offsets the timestamps carried: u8 count,
 *   f64 instant of the weights, count × (i16 minutes, f32 weight).
 * Still read, from before the two memories (issue 19): the histograms they kept (21 days of
 *   half-life) become the long ones and the recent one is their UTC copy; their users are not in
 *   the population (the population held summed counts then, see `decodePopulation`) until their
 *   next event, and none of their timestamps' offsets. Version 3, a 32-byte header without the population instant, histograms at 32 and
 *   224; version 2, the same with 16-bit linear bins (168 × u16, bin = u16 × scale, the third f64
 *   being the scale), histograms at 32 and 392; version 1, as version 2 with a 24-byte header
 *   (12 i8 inferred offset hours, 13 u8 has inference), no inferred zone name and no last
 *   observed instant.
 *
 * The population's shards (version 2): an 8-byte head (u8 version), then f64 reference ms, f64
 * total and 168 × f64 bins: exact, as users' shapes are added and taken out again for ever.
 */
const VERSION = 4;
const POPULATION_VERSION = 2;
const SOURCES: (ZoneSource | null)[] = [null, 'explicit', 'inferred', 'default'];
type Bins = 'log8' | 'linear16';
const histogramBytes = (bins: Bins) => 24 + HOURS_PER_WEEK * (bins === 'log8' ? 1 : 2);
interface Format {
  header: number;
  bins: Bins;
  histograms: 2 | 3;
}
const FORMATS: Record<number, Format> = {
  1: { header: 24, bins: 'linear16', histograms: 2 },
  2: { header: 32, bins: 'linear16', histograms: 2 },
  3: { header: 32, bins: 'log8', histograms: 2 },
  4: { header: 40, bins: 'log8', histograms: 3 },
};
const layout = (format: Format) => ({
  local: format.header,
  utc: format.header + histogramBytes(format.bins),
  recentUtc: format.histograms === 3 ? format.header + 2 * histogramBytes(format.bins) : null,
  zone: format.header + format.histograms * histogramBytes(format.bins),
  bins: format.bins,
});
const CURRENT = layout(FORMATS[VERSION]!);
/** Steps per doubling of the 8-bit bins. */
const LOG_STEPS = 16;

export function encodeUserActivity(model: UserActivity): Buffer {
  const zone = Buffer.from(model.localZone ?? '', 'utf8');
  const inferredZone = Buffer.from(model.inferred?.zone ?? '', 'utf8');
  if (inferredZone.length > 255) throw new Error(`zone name too long: ${model.inferred?.zone}`);
  const stamps = model.stamps.entries;
  const tail = CURRENT.zone + zone.length + inferredZone.length;
  const buffer = Buffer.alloc(tail + 9 + 6 * stamps.length);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint8(0, VERSION);
  view.setUint8(1, SOURCES.indexOf(model.localZoneSource));
  view.setUint16(2, zone.length, true);
  view.setFloat32(4, model.inferred?.confidence ?? 0, true);
  view.setFloat32(8, model.inferred?.evidence ?? 0, true);
  view.setInt16(12, model.inferred?.offsetMinutes ?? 0, true);
  view.setUint8(14, model.inferred ? 1 : 0);
  view.setUint8(15, inferredZone.length);
  view.setFloat64(16, model.inferred?.atMs ?? 0, true);
  view.setFloat64(24, model.lastAtMs, true);
  view.setFloat64(32, model.populationAtMs, true);
  writeHistogram(buffer, CURRENT.local, model.local);
  writeHistogram(buffer, CURRENT.utc, model.utc);
  writeHistogram(buffer, CURRENT.recentUtc!, model.recentUtc);
  zone.copy(buffer, CURRENT.zone);
  inferredZone.copy(buffer, CURRENT.zone + zone.length);
  view.setUint8(tail, stamps.length);
  view.setFloat64(tail + 1, model.stamps.atMs, true);
  stamps.forEach((e, i) => {
    view.setInt16(tail + 9 + 6 * i, e.minutes, true);
    view.setFloat32(tail + 11 + 6 * i, e.weight, true);
  });
  return buffer;
}

export function decodeUserActivity(bytes: Uint8Array): UserActivity {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  const format = FORMATS[version];
  if (format === undefined) throw new Error(`unknown activity model version ${version}`);
  const at = layout(format);
  const zoneLength = view.getUint16(2, true);
  const text = (from: number, length: number) =>
    Buffer.from(bytes.buffer, bytes.byteOffset + from, length).toString('utf8');
  const zone = text(at.zone, zoneLength);
  const v1 = version === 1;
  const offsetMinutes = v1 ? view.getInt8(12) * 60 : view.getInt16(12, true);
  const hasInference = view.getUint8(v1 ? 13 : 14) === 1;
  const inferredLength = v1 ? 0 : view.getUint8(15);
  const inferredZone = v1 ? fixedOffsetZone(offsetMinutes) : text(at.zone + zoneLength, inferredLength);
  const lastAtMs = v1 ? Number.NEGATIVE_INFINITY : view.getFloat64(24, true);
  const utc = readHistogram(bytes, at.utc, at.bins);
  return {
    local: readHistogram(bytes, at.local, at.bins),
    utc,
    recentUtc:
      at.recentUtc === null
        ? { refMs: utc.refMs, total: utc.total, bins: Float64Array.from(utc.bins) }
        : readHistogram(bytes, at.recentUtc, at.bins),
    localZone: zone === '' ? null : zone,
    localZoneSource: SOURCES[view.getUint8(1)] ?? null,
    inferred: hasInference
      ? {
          offsetMinutes,
          zone: inferredZone,
          confidence: view.getFloat32(4, true),
          evidence: view.getFloat32(8, true),
          atMs: view.getFloat64(16, true),
        }
      : null,
    lastAtMs,
    populationAtMs: at.recentUtc === null ? Number.NEGATIVE_INFINITY : view.getFloat64(32, true),
    stamps:
      at.recentUtc === null ? emptyOffsetEvidence() : readStamps(view, at.zone + zoneLength + inferredLength),
  };
}

function readStamps(view: DataView, tail: number): OffsetEvidence {
  const count = view.getUint8(tail);
  const entries = Array.from({ length: count }, (_, i) => ({
    minutes: view.getInt16(tail + 9 + 6 * i, true),
    weight: view.getFloat32(tail + 11 + 6 * i, true),
  }));
  return { atMs: view.getFloat64(tail + 1, true), entries };
}

export function encodePopulation(h: Histogram): Buffer {
  const buffer = Buffer.alloc(24 + 8 * HOURS_PER_WEEK);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint8(0, POPULATION_VERSION);
  view.setFloat64(8, h.refMs, true);
  view.setFloat64(16, h.total, true);
  for (let i = 0; i < HOURS_PER_WEEK; i++) view.setFloat64(24 + 8 * i, h.bins[i]!, true);
  return buffer;
}

/**
 * A shard of the tenant's population, or null for one of version 1: the summed counts of its
 * users' events from before the population became the mean of its users (issue 19), which the
 * new shards cannot be mixed with; the shard is rewritten at its next use.
 */
export function decodePopulation(bytes: Uint8Array): Histogram | null {
  if (bytes[0] === 1) return null;
  if (bytes[0] !== POPULATION_VERSION) throw new Error(`unknown population version ${bytes[0]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bins = new Float64Array(HOURS_PER_WEEK);
  for (let i = 0; i < HOURS_PER_WEEK; i++) bins[i] = view.getFloat64(24 + 8 * i, true);
  return { refMs: view.getFloat64(8, true), total: view.getFloat64(16, true), bins };
}

function writeHistogram(buffer: Buffer, start: number, h: Histogram): void {
  // Buffer.alloc'd buffers may sit at any offset of a shared pool: copy through an aligned array
  const block = new ArrayBuffer(histogramBytes('log8'));
  let max = 0;
  for (let i = 0; i < HOURS_PER_WEEK; i++) max = Math.max(max, h.bins[i]!);
  const head = new Float64Array(block, 0, 3);
  head[0] = h.refMs;
  head[1] = h.total;
  head[2] = max;
  const bins = new Uint8Array(block, 24, HOURS_PER_WEEK);
  for (let i = 0; i < HOURS_PER_WEEK; i++) bins[i] = logStep(h.bins[i]!, max);
  buffer.set(new Uint8Array(block), start);
}

/**
 * Rounds the histogram's bins, in place, to what its stored form holds (within 2.2% each), so that
 * a value computed from it now (a user's share of the population) is computed the same, to the
 * bit, from the row read back later.
 */
export function quantiseHistogram(h: Histogram): void {
  let max = 0;
  for (let i = 0; i < HOURS_PER_WEEK; i++) max = Math.max(max, h.bins[i]!);
  for (let i = 0; i < HOURS_PER_WEEK; i++) {
    const q = logStep(h.bins[i]!, max);
    h.bins[i] = q === 0 ? 0 : max * LOG8_STEPS[q]!;
  }
}

/** The 8-bit step of `v` below the largest bin `max` (0 for nothing, 255 for the largest). */
function logStep(v: number, max: number): number {
  const step = v > 0 ? 255 + LOG_STEPS * Math.log2(v / max) : -1;
  return step < 0.5 ? 0 : Math.round(step);
}

/** `2 ** ((q - 255) / LOG_STEPS)` for every 8-bit bin q: a multiplication per bin instead of a power. */
const LOG8_STEPS = Float64Array.from({ length: 256 }, (_, q) => 2 ** ((q - 255) / LOG_STEPS));

function readHistogram(bytes: Uint8Array, start: number, format: Bins): Histogram {
  // read in place: DataView for the f64 head (any alignment), single bytes for the bins
  const head = new DataView(bytes.buffer, bytes.byteOffset + start, 24);
  const third = head.getFloat64(16, true);
  const bins = new Float64Array(HOURS_PER_WEEK);
  const from = start + 24;
  if (format === 'log8') {
    for (let i = 0; i < HOURS_PER_WEEK; i++) {
      const q = bytes[from + i]!;
      bins[i] = q === 0 ? 0 : third * LOG8_STEPS[q]!;
    }
  } else {
    for (let i = 0; i < HOURS_PER_WEEK; i++)
      bins[i] = (bytes[from + 2 * i]! | (bytes[from + 2 * i + 1]! << 8)) * third;
  }
  return { refMs: head.getFloat64(0, true), total: head.getFloat64(8, true), bins };
}
