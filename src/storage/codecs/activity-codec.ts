import type { Histogram } from '../../domain/activity/histogram.js';
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
 * Layout (little-endian), version 3, 32-byte header:
 *   0 u8 version, 1 u8 local zone source (0 none, 1 explicit, 2 inferred, 3 default),
 *   2 u16 local zone length, 4 f32 inference confidence, 8 f32 inference evidence,
 *   12 i16 inferred offset minutes, 14 u8 has inference, 15 u8 inferred zone length,
 *   16 f64 inference instant, 24 f64 last observed instant (-Infinity for none);
 *   32 local histogram, 224 utc histogram (each f64 reference ms, f64 total, f64 largest bin,
 *   168 × u8 bins, bin = 0 or largest × 2^((u8 - 255) / 16)); 416 the local zone, then the
 *   inferred zone, UTF-8.
 * Still read: version 2, the same with 16-bit linear bins (168 × u16, bin = u16 × scale, the
 *   third f64 being the scale), histograms at 32 and 392; version 1, as version 2 with a 24-byte
 *   header (12 i8 inferred offset hours, 13 u8 has inference), no inferred zone name and no last
 *   observed instant.
 */
const VERSION = 3;
const HISTOGRAM_VERSION = 1;
const SOURCES: (ZoneSource | null)[] = [null, 'explicit', 'inferred', 'default'];
type Bins = 'log8' | 'linear16';
const histogramBytes = (bins: Bins) => 24 + HOURS_PER_WEEK * (bins === 'log8' ? 1 : 2);
const FORMATS: Record<number, { header: number; bins: Bins }> = {
  1: { header: 24, bins: 'linear16' },
  2: { header: 32, bins: 'linear16' },
  3: { header: 32, bins: 'log8' },
};
const layout = (format: { header: number; bins: Bins }) => ({
  local: format.header,
  utc: format.header + histogramBytes(format.bins),
  zone: format.header + 2 * histogramBytes(format.bins),
  bins: format.bins,
});
const CURRENT = layout(FORMATS[VERSION]!);
/** Steps per doubling of the 8-bit bins. */
const LOG_STEPS = 16;

export function encodeUserActivity(model: UserActivity): Buffer {
  const zone = Buffer.from(model.localZone ?? '', 'utf8');
  const inferredZone = Buffer.from(model.inferred?.zone ?? '', 'utf8');
  if (inferredZone.length > 255) throw new Error(`zone name too long: ${model.inferred?.zone}`);
  const buffer = Buffer.alloc(CURRENT.zone + zone.length + inferredZone.length);
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
  writeHistogram(buffer, CURRENT.local, model.local, CURRENT.bins);
  writeHistogram(buffer, CURRENT.utc, model.utc, CURRENT.bins);
  zone.copy(buffer, CURRENT.zone);
  inferredZone.copy(buffer, CURRENT.zone + zone.length);
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
  const inferredZone = v1 ? fixedOffsetZone(offsetMinutes) : text(at.zone + zoneLength, view.getUint8(15));
  const lastAtMs = v1 ? Number.NEGATIVE_INFINITY : view.getFloat64(24, true);
  return {
    local: readHistogram(bytes, at.local, at.bins),
    utc: readHistogram(bytes, at.utc, at.bins),
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
  };
}

export function encodeHistogram(h: Histogram): Buffer {
  const buffer = Buffer.alloc(16 + histogramBytes('linear16'));
  buffer.writeUInt8(HISTOGRAM_VERSION, 0);
  writeHistogram(buffer, 16, h, 'linear16');
  return buffer;
}

export function decodeHistogram(bytes: Uint8Array): Histogram {
  if (bytes[0] !== HISTOGRAM_VERSION) throw new Error(`unknown histogram version ${bytes[0]}`);
  return readHistogram(bytes, 16, 'linear16');
}

function writeHistogram(buffer: Buffer, start: number, h: Histogram, format: Bins): void {
  // Buffer.alloc'd buffers may sit at any offset of a shared pool: copy through an aligned array
  const block = new ArrayBuffer(histogramBytes(format));
  let max = 0;
  for (let i = 0; i < HOURS_PER_WEEK; i++) max = Math.max(max, h.bins[i]!);
  const head = new Float64Array(block, 0, 3);
  head[0] = h.refMs;
  head[1] = h.total;
  if (format === 'log8') {
    head[2] = max;
    const bins = new Uint8Array(block, 24, HOURS_PER_WEEK);
    for (let i = 0; i < HOURS_PER_WEEK; i++) {
      const v = h.bins[i]!;
      const step = v > 0 ? 255 + LOG_STEPS * Math.log2(v / max) : -1;
      bins[i] = step < 0.5 ? 0 : Math.round(step);
    }
  } else {
    const scale = max / 65_535;
    head[2] = scale;
    const bins = new Uint16Array(block, 24, HOURS_PER_WEEK);
    if (scale > 0) for (let i = 0; i < HOURS_PER_WEEK; i++) bins[i] = Math.round(h.bins[i]! / scale);
  }
  buffer.set(new Uint8Array(block), start);
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
