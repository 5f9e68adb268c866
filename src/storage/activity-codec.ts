import type { Histogram } from '../domain/activity/histogram.js';
import { HOURS_PER_WEEK } from '../domain/activity/local-time.js';
import type { UserActivity } from '../domain/activity/user-activity.js';
import { fixedOffsetZone, type ZoneSource } from '../domain/activity/zone-inference.js';

/**
 * Binary form of the activity models. Bins are float32: they are stored relative to a reference
 * instant that is never more than four half-lives behind (histogram.ts), so seven significant
 * digits are plenty, and a user's model stays about 1.4 KB, inline in its row (no TOAST).
 *
 * Layout (little-endian), version 1:
 *   u8 version, u8 local zone source (0 none, 1 explicit, 2 inferred, 3 default),
 *   u16 length + UTF-8 local zone, local histogram, utc histogram,
 *   u8 has inference, i8 offset hours, f32 confidence, f32 evidence
 * where a histogram is f64 reference ms, f64 total, 168 × f32 bins.
 */
const VERSION = 1;
const SOURCES: (ZoneSource | null)[] = [null, 'explicit', 'inferred', 'default'];
const HISTOGRAM_BYTES = 16 + HOURS_PER_WEEK * 4;

export function encodeUserActivity(model: UserActivity): Buffer {
  const zone = Buffer.from(model.localZone ?? '', 'utf8');
  const buffer = Buffer.alloc(4 + zone.length + 2 * HISTOGRAM_BYTES + 10);
  let at = buffer.writeUInt8(VERSION, 0);
  at = buffer.writeUInt8(SOURCES.indexOf(model.localZoneSource), at);
  at = buffer.writeUInt16LE(zone.length, at);
  at += zone.copy(buffer, at);
  at = writeHistogram(buffer, at, model.local);
  at = writeHistogram(buffer, at, model.utc);
  at = buffer.writeUInt8(model.inferred ? 1 : 0, at);
  at = buffer.writeInt8(model.inferred?.offsetHours ?? 0, at);
  at = buffer.writeFloatLE(model.inferred?.confidence ?? 0, at);
  buffer.writeFloatLE(model.inferred?.evidence ?? 0, at);
  return buffer;
}

export function decodeUserActivity(bytes: Uint8Array): UserActivity {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.readUInt8(0) !== VERSION)
    throw new Error(`unknown activity model version ${buffer.readUInt8(0)}`);
  const source = SOURCES[buffer.readUInt8(1)] ?? null;
  const zoneLength = buffer.readUInt16LE(2);
  const zone = buffer.toString('utf8', 4, 4 + zoneLength);
  let at = 4 + zoneLength;
  const local = readHistogram(buffer, at);
  at += HISTOGRAM_BYTES;
  const utc = readHistogram(buffer, at);
  at += HISTOGRAM_BYTES;
  const hasInference = buffer.readUInt8(at) === 1;
  const offsetHours = buffer.readInt8(at + 1);
  return {
    local,
    utc,
    localZone: zone === '' ? null : zone,
    localZoneSource: source,
    inferred: hasInference
      ? {
          offsetHours,
          zone: fixedOffsetZone(offsetHours),
          confidence: buffer.readFloatLE(at + 2),
          evidence: buffer.readFloatLE(at + 6),
        }
      : null,
  };
}

export function encodeHistogram(h: Histogram): Buffer {
  const buffer = Buffer.alloc(1 + HISTOGRAM_BYTES);
  buffer.writeUInt8(VERSION, 0);
  writeHistogram(buffer, 1, h);
  return buffer;
}

export function decodeHistogram(bytes: Uint8Array): Histogram {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.readUInt8(0) !== VERSION) throw new Error(`unknown histogram version ${buffer.readUInt8(0)}`);
  return readHistogram(buffer, 1);
}

function writeHistogram(buffer: Buffer, start: number, h: Histogram): number {
  let at = buffer.writeDoubleLE(h.refMs, start);
  at = buffer.writeDoubleLE(h.total, at);
  for (let i = 0; i < HOURS_PER_WEEK; i++) at = buffer.writeFloatLE(h.bins[i]!, at);
  return at;
}

function readHistogram(buffer: Buffer, start: number): Histogram {
  const bins = new Float64Array(HOURS_PER_WEEK);
  for (let i = 0; i < HOURS_PER_WEEK; i++) bins[i] = buffer.readFloatLE(start + 16 + i * 4);
  return { refMs: buffer.readDoubleLE(start), total: buffer.readDoubleLE(start + 8), bins };
}
