import { BoundedMap } from '../../domain/shared/bounded-map.js';
/**
 * How a message travels in NOTIFY payloads, which PostgreSQL limits to fewer than 8000 bytes.
 *
 * A message that fits is one frame, plain JSON an operator can read with `LISTEN`:
 * `{"v":1,"origin":"host:pid:ab12cd34","seq":7,"body":{...}}`. A larger one (a long opener) is
 * not trimmed, since a bot that delivers messages itself needs the whole text: its JSON is cut
 * into parts, `{"v":1,"origin","seq","part":1,"parts":3,"chunk":"..."}`, all sent by one
 * statement. The notifications of one transaction are delivered together and in order, so a
 * listener gets every part or none; it joins them by (origin, seq).
 */

/** Largest payload sent, in UTF-8 bytes: PostgreSQL's limit is "shorter than 8000 bytes". */
export const NOTIFY_PAYLOAD_LIMIT = 7999;
/** Messages above this many parts (about 1 MB) are not sent. */
const MAX_PARTS = 128;

type Frame =
  | { origin: string; seq: number; body: unknown }
  | { origin: string; seq: number; part: number; parts: number; chunk: string };

/**
 * The payloads for one message, in order, each at most `limit` bytes; null when it would take
 * more than `maxParts`.
 */
export function encodeFrames(
  origin: string,
  seq: number,
  body: unknown,
  limit = NOTIFY_PAYLOAD_LIMIT,
  maxParts = MAX_PARTS,
): string[] | null {
  const whole = JSON.stringify({ v: 1, origin, seq, body });
  if (Buffer.byteLength(whole) <= limit) return [whole];
  const text = JSON.stringify(body);
  // the envelope of the largest part number, with an empty chunk
  const envelope = Buffer.byteLength(
    JSON.stringify({ v: 1, origin, seq, part: maxParts, parts: maxParts, chunk: '' }),
  );
  const room = limit - envelope;
  if (room < 8) throw new Error(`a NOTIFY frame of ${limit} bytes leaves no room for a chunk`);
  const chunks: string[] = [];
  let start = 0;
  let used = 0;
  let index = 0;
  for (const char of text) {
    const cost = escapedBytes(char.codePointAt(0)!);
    if (used + cost > room) {
      chunks.push(text.slice(start, index));
      if (chunks.length >= maxParts) return null;
      start = index;
      used = 0;
    }
    used += cost;
    index += char.length;
  }
  chunks.push(text.slice(start));
  if (chunks.length > maxParts) return null;
  return chunks.map((chunk, i) =>
    JSON.stringify({ v: 1, origin, seq, part: i + 1, parts: chunks.length, chunk }),
  );
}

/** Bytes a code point takes inside a JSON string, as JSON.stringify escapes it, in UTF-8. */
function escapedBytes(codePoint: number): number {
  if (codePoint === 0x22 || codePoint === 0x5c) return 2; // \" \\
  if (codePoint < 0x20) return [0x08, 0x09, 0x0a, 0x0c, 0x0d].includes(codePoint) ? 2 : 6;
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 6; // a lone surrogate: \udxxx
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** Reads one payload; null for anything that is not a frame of ours. */
export function parseFrame(payload: string): Frame | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  if (frame.v !== 1 || typeof frame.origin !== 'string' || !Number.isSafeInteger(frame.seq)) return null;
  const head = { origin: frame.origin, seq: frame.seq as number };
  if ('body' in frame) return { ...head, body: frame.body };
  const { part, parts, chunk } = frame;
  if (
    typeof chunk !== 'string' ||
    !Number.isSafeInteger(part) ||
    !Number.isSafeInteger(parts) ||
    (part as number) < 1 ||
    (part as number) > (parts as number) ||
    (parts as number) > MAX_PARTS
  ) {
    return null;
  }
  return { ...head, part: part as number, parts: parts as number, chunk };
}

/**
 * Joins the parts of split messages. At most `maxOpen` messages are held unfinished (the one
 * least recently added to is dropped past that); `reset` forgets them all, for when the connection that carried them
 * was lost.
 */
export class FrameAssembler {
  readonly #open: BoundedMap<string, { parts: string[]; received: number }>;

  constructor(maxOpen = 16) {
    this.#open = new BoundedMap(maxOpen);
  }

  /** The message's body when `frame` completes it (or is whole); null while parts are missing. */
  add(frame: Frame): { origin: string; body: unknown } | null {
    if ('body' in frame) return { origin: frame.origin, body: frame.body };
    const key = `${frame.origin}\n${frame.seq}`;
    let open = this.#open.get(key);
    if (!open || open.parts.length !== frame.parts) {
      this.#open.delete(key);
      open = { parts: new Array<string>(frame.parts), received: 0 };
      this.#open.set(key, open);
    }
    if (open.parts[frame.part - 1] === undefined) open.received += 1;
    open.parts[frame.part - 1] = frame.chunk;
    if (open.received < frame.parts) return null;
    this.#open.delete(key);
    try {
      return { origin: frame.origin, body: JSON.parse(open.parts.join('')) };
    } catch {
      return null;
    }
  }

  reset(): void {
    this.#open.clear();
  }

  /** Messages waiting for parts. */
  get openCount(): number {
    return this.#open.size;
  }
}
