import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrames, FrameAssembler, NOTIFY_PAYLOAD_LIMIT, parseFrame } from './notify-frames.js';

const ORIGIN = 'host-a:1234:0badf00d';

const roundTrip = (frames: string[]) => {
  const assembler = new FrameAssembler();
  const out: unknown[] = [];
  for (const payload of frames) {
    const frame = parseFrame(payload);
    expect(frame).not.toBeNull();
    const done = assembler.add(frame!);
    if (done) out.push(done.body);
  }
  return out;
};

describe('NOTIFY frames', () => {
  it('sends a message that fits as one readable JSON frame', () => {
    const body = { type: 'suggestion.created', data: { tenantId: 't', userId: 'u' } };
    const frames = encodeFrames(ORIGIN, 3, body)!;
    expect(frames).toHaveLength(1);
    expect(JSON.parse(frames[0]!)).toEqual({ v: 1, origin: ORIGIN, seq: 3, body });
  });

  it('splits a long opener into parts under the limit, and joins them back whole', () => {
    const body = { data: { text: `"Quoted" \\ émoji 🎉 中文 ${'x'.repeat(20_000)}` } };
    const frames = encodeFrames(ORIGIN, 9, body)!;
    expect(frames.length).toBeGreaterThan(2);
    for (const frame of frames) expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(NOTIFY_PAYLOAD_LIMIT);
    expect(roundTrip(frames)).toEqual([body]);
  });

  it('keeps every frame under the limit and loses nothing, whatever the text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.integer({ min: 200, max: 2000 }),
        (text, limit) => {
          const body = { text };
          const frames = encodeFrames(ORIGIN, 1, body, limit, 1000)!;
          for (const frame of frames) expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(limit);
          expect(roundTrip(frames)).toEqual([body]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a message that would need more parts than allowed', () => {
    expect(encodeFrames(ORIGIN, 1, { text: 'y'.repeat(10_000) }, 1000, 4)).toBeNull();
  });

  it('joins interleaved parts of two origins by origin and sequence number', () => {
    const a = encodeFrames('a', 1, { text: 'a'.repeat(3000) }, 1000)!;
    const b = encodeFrames('b', 1, { text: 'b'.repeat(3000) }, 1000)!;
    const mixed = a.flatMap((frame, i) => [frame, b[i]!]);
    expect(mixed).not.toContain(undefined);
    expect(roundTrip(mixed)).toEqual([{ text: 'a'.repeat(3000) }, { text: 'b'.repeat(3000) }]);
  });

  it('drops the oldest unfinished message past its bound, and all of them on reset', () => {
    const assembler = new FrameAssembler(2);
    for (const seq of [1, 2, 3]) {
      const [first] = encodeFrames(ORIGIN, seq, { text: 'z'.repeat(3000) }, 1000)!;
      expect(assembler.add(parseFrame(first!)!)).toBeNull();
    }
    expect(assembler.openCount).toBe(2);
    assembler.reset();
    expect(assembler.openCount).toBe(0);
  });

  it('ignores payloads that are not frames', () => {
    for (const payload of ['', 'hello', '{}', '{"v":2,"origin":"o","seq":1,"body":1}', 'null', '[1]'])
      expect(parseFrame(payload)).toBeNull();
    expect(parseFrame('{"v":1,"origin":"o","seq":1,"part":3,"parts":2,"chunk":""}')).toBeNull();
  });
});
