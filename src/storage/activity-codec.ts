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
 * Layout (little-endian), version 1, 24-byte header:
 *   0 u8 version, 1 u8 local zone source (0 none, 1 explicit, 2 inferred, 3 default),
 *   2 u16 zone length, 4 f32 inference confidence, 8 f32 inference evidence,
 *   12 i8 inferred offset hours, 13 u8 has inference, 14 u16 unused, 16 f64 inference instant;
 *   24 local histogram, 384 utc histogram (each f64 reference ms, f64 total, f64 scale,
 *   168 × u16 bins, bin = u16 × scale); 744 the local zone, UTF-8.
 */
const VERSION = 1;
const SOURCES: (ZoneSource | null)[] = [null, 'explicit', 'inferred', 'default'];
const HISTOGRAM_BYTES = 24 + HOURS_PER_WEEK * 2;
const LOCAL_AT = 24;
const UTC_AT = LOCAL_AT + HISTOGRAM_BYTES;
const ZONE_AT = UTC_AT + HISTOGRAM_BYTES;

export function encodeUserActivity(model: UserActivity): Buffer {
  const zone = Buffer.from(model.localZone ?? '', 'utf8');
  const buffer = Buffer.alloc(ZONE_AT + zone.length);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  view.setUint8(0, VERSION);
  view.setUint8(1, SOURCES.indexOf(model.localZoneSource));
  view.setUint16(2, zone.length, true);
  view.setFloat32(4, model.inferred?.confidence ?? 0, true);
  view.setFloat32(8, model.inferred?.evidence ?? 0, true);
  view.setInt8(12, model.inferred?.offsetHours ?? 0);
  view.setUint8(13, model.inferred ? 1 : 0);
  view.setFloat64(16, model.inferred?.atMs ?? 0, true);
  writeHistogram(buffer, LOCAL_AT, model.local);
  writeHistogram(buffer, UTC_AT, model.utc);
  zone.copy(buffer, ZONE_AT);
  return buffer;
}

export function decodeUserActivity(bytes: Uint8Array): UserActivity {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== VERSION) throw new Error(`unknown activity model version ${view.getUint8(0)}`);
  const zoneLength = view.getUint16(2, true);
  const zone = Buffer.from(bytes.buffer, bytes.byteOffset + ZONE_AT, zoneLength).toString('utf8');
  const offsetHours = view.getInt8(12);
  return {
    local: readHistogram(bytes, LOCAL_AT),
    utc: readHistogram(bytes, UTC_AT),
    localZone: zone === '' ? null : zone,
    localZoneSource: SOURCES[view.getUint8(1)] ?? null,
    inferred:
      view.getUint8(13) === 1
        ? {
            offsetHours,
            zone: fixedOffsetZone(offsetHours),
            confidence: view.getFloat32(4, true),
            evidence: view.getFloat32(8, true),
            atMs: view.getFloat64(16, true),
          }
        : null,
  };
}

export function encodeHistogram(h: Histogram): Buffer {
  const buffer = Buffer.alloc(16 + HISTOGRAM_BYTES);
  buffer.writeUInt8(VERSION, 0);
  writeHistogram(buffer, 16, h);
  return buffer;
}

export function decodeHistogram(bytes: Uint8Array): Histogram {
  if (bytes[0] !== VERSION) throw new Error(`unknown histogram version ${bytes[0]}`);
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
