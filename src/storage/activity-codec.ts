import type { Histogram } from '../domain/activity/histogram.js';
import { HOURS_PER_WEEK } from '../domain/activity/local-time.js';
import type { UserActivity } from '../domain/activity/user-activity.js';
import { fixedOffsetZone, type ZoneSource } from '../domain/activity/zone-inference.js';

/**
 * Binary form of the activity models. Bins are 16-bit fractions of the histogram's largest bin
 * (error below 1/65,535 of it, far under what smoothing and the prior blur), so a user's model is
 * about 770 bytes: ingest reads and rewrites one per active user per batch, and PostgreSQL's cost
 * grows with that size (float32 bins, twice as large, cost 10% of ingest throughput). Blocks are
 * aligned so that bins are copied as whole typed arrays (per-value reads cost ~10 ms a batch).
 *
 * Layout (little-endian), version 2, 32-byte header:
 *   0 u8 version, 1 u8 local zone source (0 none, 1 explicit, 2 inferred, 3 default),
 *   2 u16 local zone length, 4 f32 inference confidence, 8 f32 inference evidence,
 *   12 i16 inferred offset minutes, 14 u8 has inference, 15 u8 inferred zone length,
 *   16 f64 inference instant, 24 f64 last observed instant (-Infinity for none);
 *   32 local histogram, 392 utc histogram (each f64 reference ms, f64 total, f64 scale,
 *   168 × u16 bins, bin = u16 × scale); 752 the local zone, then the inferred zone, UTF-8.
 * Version 1 (still read) had a 24-byte header: 12 i8 inferred offset hours, 13 u8 has inference,
 * no inferred zone name (a fixed-offset zone) and no last observed instant.
 */
const VERSION = 2;
const HISTOGRAM_VERSION = 1;
const SOURCES: (ZoneSource | null)[] = [null, 'explicit', 'inferred', 'default'];
const HISTOGRAM_BYTES = 24 + HOURS_PER_WEEK * 2;
const HEADER_BYTES: Record<number, number> = { 1: 24, 2: 32 };
const layout = (header: number) => ({
  local: header,
  utc: header + HISTOGRAM_BYTES,
  zone: header + 2 * HISTOGRAM_BYTES,
});
const CURRENT = layout(HEADER_BYTES[VERSION]!);

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
  writeHistogram(buffer, CURRENT.local, model.local);
  writeHistogram(buffer, CURRENT.utc, model.utc);
  zone.copy(buffer, CURRENT.zone);
  inferredZone.copy(buffer, CURRENT.zone + zone.length);
  return buffer;
}

export function decodeUserActivity(bytes: Uint8Array): UserActivity {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  const header = HEADER_BYTES[version];
  if (header === undefined) throw new Error(`unknown activity model version ${version}`);
  const at = layout(header);
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
    local: readHistogram(bytes, at.local),
    utc: readHistogram(bytes, at.utc),
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
  const buffer = Buffer.alloc(16 + HISTOGRAM_BYTES);
  buffer.writeUInt8(HISTOGRAM_VERSION, 0);
  writeHistogram(buffer, 16, h);
  return buffer;
}

export function decodeHistogram(bytes: Uint8Array): Histogram {
  if (bytes[0] !== HISTOGRAM_VERSION) throw new Error(`unknown histogram version ${bytes[0]}`);
  return readHistogram(bytes, 16);
}

function writeHistogram(buffer: Buffer, start: number, h: Histogram): void {
  // Buffer.alloc'd buffers may sit at any offset of a shared pool: copy through an aligned array
  const block = new ArrayBuffer(HISTOGRAM_BYTES);
  let max = 0;
  for (let i = 0; i < HOURS_PER_WEEK; i++) max = Math.max(max, h.bins[i]!);
  const scale = max / 65_535;
  const head = new Float64Array(block, 0, 3);
  head[0] = h.refMs;
  head[1] = h.total;
  head[2] = scale;
  const bins = new Uint16Array(block, 24, HOURS_PER_WEEK);
  if (scale > 0) for (let i = 0; i < HOURS_PER_WEEK; i++) bins[i] = Math.round(h.bins[i]! / scale);
  buffer.set(new Uint8Array(block), start);
}

function readHistogram(bytes: Uint8Array, start: number): Histogram {
  // a fresh, aligned copy (Buffer#slice would return a view into a shared pool)
  const copy = new Uint8Array(HISTOGRAM_BYTES);
  copy.set(bytes.subarray(start, start + HISTOGRAM_BYTES));
  const head = new Float64Array(copy.buffer, 0, 3);
  const scale = head[2]!;
  const stored = new Uint16Array(copy.buffer, 24, HOURS_PER_WEEK);
  const bins = new Float64Array(HOURS_PER_WEEK);
  for (let i = 0; i < HOURS_PER_WEEK; i++) bins[i] = stored[i]! * scale;
  return { refMs: head[0]!, total: head[1]!, bins };
}
