import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneOffsets } from '../shared/local-time.js';
import { REPLY_MEANINGS } from './reply-meaning.js';
import { lengthenedGapMinutes, type PairFeedback, type PairOutcome, standingOf } from './standing.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const berlin = new ZoneOffsets('Europe/Berlin');
const NOW = Date.parse('2026-12-07T12:00:00Z');

const outcome = fc
  .record({
    atMs: fc.integer({ min: NOW - 100 * DAY, max: NOW }),
    reply: fc.option(fc.integer({ min: 0, max: 6 * HOUR }), { nil: null }),
    meaning: fc.option(fc.constantFrom(...REPLY_MEANINGS), { nil: null }),
  })
  .map(
    ({ atMs, reply, meaning }): PairOutcome => ({
      atMs,
      windowEndsAtMs: atMs + 6 * HOUR,
      repliedAtMs: reply === null ? null : atMs + reply,
      meaning: reply === null ? null : meaning,
    }),
  );
const feedback = fc.record({
  atMs: fc.integer({ min: NOW - 100 * DAY, max: NOW }),
  score: fc.option(fc.constantFrom(-1, -0.5, 0, 0.5, 1), { nil: null }),
});

describe('standingOf', () => {
  it('is the same whatever order the outcomes and feedback are read in', () => {
    fc.assert(
      fc.property(
        fc.array(outcome, { maxLength: 20 }),
        fc.array(feedback, { maxLength: 6 }),
        fc.option(fc.integer({ min: NOW - 100 * DAY, max: NOW }), { nil: null }),
        (os: PairOutcome[], fs: PairFeedback[], lastIn) => {
          const a = standingOf(os, fs, lastIn, berlin, NOW);
          const b = standingOf([...os].reverse(), [...fs].reverse(), lastIn, berlin, NOW);
          expect({ ...b, wrongHours: [...b.wrongHours].sort() }).toEqual({
            ...a,
            wrongHours: [...a.wrongHours].sort(),
          });
          expect(a.ignored + a.pending).toBeLessThanOrEqual(os.length);
        },
      ),
    );
  });

  it('counts messages since the user last wrote: ignored once the window passed, pending before', () => {
    const sent = (atMs: number): PairOutcome => ({
      atMs,
      windowEndsAtMs: atMs + 6 * HOUR,
      repliedAtMs: null,
      meaning: null,
    });
    const os = [sent(NOW - 3 * DAY), sent(NOW - 2 * DAY), sent(NOW - HOUR)];
    expect(standingOf(os, [], NOW - 4 * DAY, berlin, NOW)).toMatchObject({
      ignored: 2,
      pending: 1,
      resetBy: 'message',
    });
    // the user wrote between the first and the second
    expect(standingOf(os, [], NOW - 2.5 * DAY, berlin, NOW)).toMatchObject({ ignored: 1, pending: 1 });
    // a positive reaction on the second resets as a message would; a neutral one does not
    expect(
      standingOf(os, [{ atMs: NOW - 2 * DAY + HOUR, score: 1 }], NOW - 4 * DAY, berlin, NOW),
    ).toMatchObject({
      ignored: 0,
      pending: 1,
      resetBy: 'feedback',
    });
    expect(standingOf(os, [{ atMs: NOW - DAY, score: 0 }], NOW - 4 * DAY, berlin, NOW).ignored).toBe(2);
  });

  it("doubles the pair's gap for each annoyance remembered, from at least an hour, to at most a week", () => {
    expect(lengthenedGapMinutes(180, 0)).toBeNull();
    expect(lengthenedGapMinutes(180, 1)).toBe(360);
    expect(lengthenedGapMinutes(0, 1)).toBe(120);
    expect(lengthenedGapMinutes(180, 30)).toBe(7 * 24 * 60);
  });
});
