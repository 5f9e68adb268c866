import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENGAGEMENT_BASELINE,
  ENGAGEMENT_HYSTERESIS,
  ENGAGEMENT_STATES,
  ENGAGEMENT_THRESHOLDS,
  type EngagementEvidence,
  engagementOf,
  stateAtLeast,
} from './engagement.js';
import { REPLY_MEANINGS } from './reply-meaning.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9); // Monday 2 November 2026, 09:00 UTC

const message = (atMs: number): EngagementEvidence => ({ atMs, kind: 'message' });
const warmReply = (atMs: number, latencySeconds = 60): EngagementEvidence => ({
  atMs,
  kind: 'reply',
  latencySeconds,
  meaning: 'engaged',
});
const days = (n: number, at: (atMs: number) => EngagementEvidence) =>
  Array.from({ length: n }, (_, i) => at(T0 + i * DAY));

describe('engagementOf', () => {
  it('is passive at the baseline without evidence', () => {
    expect(engagementOf([], T0)).toEqual({
      score: ENGAGEMENT_BASELINE,
      state: 'passive',
      since: null,
      trace: {
        positive: 0,
        negative: 0,
        initiative: 0,
        counts: { message: 0, reply: 0, ignored: 0, feedback: 0, refusal: 0 },
      },
    });
  });

  it('is engaged after a week of quick warm replies, but not proactive', () => {
    const week = days(7, warmReply);
    const e = engagementOf(week, T0 + 6 * DAY + MINUTE);
    expect(e.state).toBe('engaged');
    expect(e.score).toBe(60);
    expect(e.trace.counts.reply).toBe(7);
  });

  it('is no longer engaged after 30 days of silence, and says since when', () => {
    const week = days(7, warmReply);
    const later = engagementOf(week, T0 + 36 * DAY);
    expect(later.state).toBe('curious');
    expect(later.score).toBeLessThan(ENGAGEMENT_THRESHOLDS.engaged - ENGAGEMENT_HYSTERESIS);
    // the state changed when the decaying score fell below the keep threshold, not when read
    const since = later.since!;
    expect(since).toBeGreaterThan(T0 + 6 * DAY);
    expect(since).toBeLessThan(T0 + 36 * DAY);
    expect(engagementOf(week, since - 1).state).toBe('engaged');
    expect(engagementOf(week, since).state).toBe('curious');
    expect(engagementOf(week, T0 + 36 * DAY).since).toBe(since);
  });

  it('counts slow replies for less than quick ones', () => {
    const quick = engagementOf(
      days(3, (t) => warmReply(t, 30)),
      T0 + 2 * DAY,
    );
    const slow = engagementOf(
      days(3, (t) => warmReply(t, 6 * 3600)),
      T0 + 2 * DAY,
    );
    expect(slow.score).toBeLessThan(quick.score);
  });

  it('is proactive for a user who writes first every day', () => {
    const e = engagementOf(days(7, message), T0 + 6 * DAY);
    expect(e.state).toBe('proactive');
    expect(e.trace.initiative).toBeGreaterThan(0);
  });

  it('keeps a busy user who ignores some messages proactive, not saturated to a net of zero', () => {
    // every day for two weeks: 3 messages written first, 3 quick warm replies, 2 ignored
    const evidence: EngagementEvidence[] = [];
    for (let d = 0; d < 14; d++) {
      const day = T0 + d * DAY;
      for (let h = 0; h < 3; h++)
        evidence.push(message(day + h * 3_600_000), warmReply(day + (h + 4) * 3_600_000));
      evidence.push(
        { atMs: day + 8 * 3_600_000, kind: 'ignored' },
        { atMs: day + 9 * 3_600_000, kind: 'ignored' },
      );
    }
    evidence.sort((a, b) => a.atMs - b.atMs);
    const e = engagementOf(evidence, T0 + 13 * DAY + 10 * 3_600_000);
    expect(e.state).toBe('proactive');
    expect(e.trace.negative).toBeGreaterThan(0);
  });

  it('is passive at once after a stop, even from proactive', () => {
    const evidence = [...days(10, message), { atMs: T0 + 10 * DAY, kind: 'refusal' } as const];
    expect(engagementOf(evidence, T0 + 10 * DAY - 1).state).toBe('proactive');
    const e = engagementOf(evidence, T0 + 10 * DAY);
    expect(e).toMatchObject({ state: 'passive', since: T0 + 10 * DAY });
    expect(e.score).toBeLessThan(1);
  });

  it('treats a reply meaning stop as a refusal, whatever the order within its instant', () => {
    const stop: EngagementEvidence = {
      atMs: T0 + 5 * DAY,
      kind: 'reply',
      latencySeconds: 5,
      meaning: 'stop',
    };
    const a = engagementOf([...days(5, warmReply), stop, warmReply(T0 + 5 * DAY)], T0 + 5 * DAY);
    const b = engagementOf([...days(5, warmReply), warmReply(T0 + 5 * DAY), stop], T0 + 5 * DAY);
    expect(a.state).toBe('passive');
    expect(a).toEqual(b);
  });

  it('is lowered by negative feedback and raised by positive feedback', () => {
    const base = days(2, warmReply); // curious, under the reply ceiling
    const at = T0 + DAY + MINUTE;
    const plain = engagementOf(base, at).score;
    const bad = engagementOf([...base, { atMs: at, kind: 'feedback', score: -1 }], at).score;
    const good = engagementOf([...base, { atMs: at, kind: 'feedback', score: 0.5 }], at).score;
    expect(bad).toBeLessThan(plain);
    expect(good).toBeGreaterThan(plain);
  });

  it('is lowered by ignored messages and annoyed replies', () => {
    const base = days(4, warmReply);
    const at = T0 + 3 * DAY + MINUTE;
    const plain = engagementOf(base, at).score;
    const ignored = engagementOf([...base, { atMs: at, kind: 'ignored' }], at).score;
    const annoyed = engagementOf(
      [...base, { atMs: at, kind: 'reply', latencySeconds: 10, meaning: 'annoyed' }],
      at,
    ).score;
    expect(ignored).toBeLessThan(plain);
    expect(annoyed).toBeLessThan(ignored);
  });

  it('does not flap when the score oscillates around a threshold', () => {
    // Four days of warm replies enter engaged (60); an ignored message and a deferral bring it to
    // 52.6, then every ten minutes a deferral and a small thank-you in turn move it across 50 and
    // back (48.9, 52.6, ...), inside the band from 45 to 55.
    const start = T0 + 3 * DAY + MINUTE;
    const evidence: EngagementEvidence[] = [
      ...days(4, warmReply),
      { atMs: start, kind: 'ignored' },
      { atMs: start, kind: 'reply', latencySeconds: 30, meaning: 'not_now' },
    ];
    for (let i = 1; i <= 12; i++) {
      evidence.push(
        i % 2 === 1
          ? { atMs: start + i * 10 * MINUTE, kind: 'reply', latencySeconds: 30, meaning: 'not_now' }
          : { atMs: start + i * 10 * MINUTE, kind: 'feedback', score: 1 / 6 },
      );
    }
    const reads = evidence.slice(5).map((e) => engagementOf(evidence, e.atMs));
    const scores = reads.map((r) => r.score);
    const crossings = scores.filter(
      (s, i) =>
        i > 0 && s >= ENGAGEMENT_THRESHOLDS.engaged !== scores[i - 1]! >= ENGAGEMENT_THRESHOLDS.engaged,
    );
    expect(crossings.length).toBe(12);
    expect(new Set(reads.map((r) => r.state))).toEqual(new Set(['engaged']));
    expect(new Set(reads.map((r) => r.since)).size).toBe(1);
  });

  it('does not read evidence after the instant asked', () => {
    const evidence = [...days(3, warmReply), { atMs: T0 + 10 * DAY, kind: 'refusal' } as const];
    expect(engagementOf(evidence, T0 + 9 * DAY)).toEqual(engagementOf(evidence.slice(0, 3), T0 + 9 * DAY));
  });

  it('refuses evidence out of order and a half-life that is not positive', () => {
    expect(() => engagementOf([message(T0 + DAY), message(T0)], T0 + DAY)).toThrow(RangeError);
    expect(() => engagementOf([], T0, { halfLifeDays: 0 })).toThrow(RangeError);
  });

  it('forgets faster with a shorter half-life', () => {
    const week = days(7, warmReply);
    const at = T0 + 20 * DAY;
    expect(engagementOf(week, at, { halfLifeDays: 5 }).score).toBeLessThan(engagementOf(week, at).score);
  });
});

describe('stateAtLeast', () => {
  it('orders the states from passive to proactive', () => {
    expect(stateAtLeast('engaged', 'curious')).toBe(true);
    expect(stateAtLeast('engaged', 'engaged')).toBe(true);
    expect(stateAtLeast('curious', 'engaged')).toBe(false);
    for (const s of ENGAGEMENT_STATES) expect(stateAtLeast(s, 'passive')).toBe(true);
  });
});

// Property tests: random timelines of up to a few months, with several items at one instant.
type Item = DistributiveOmit<EngagementEvidence, 'atMs'>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

const positiveArb: fc.Arbitrary<Item> = fc.oneof(
  fc.constant({ kind: 'message' as const }),
  fc.record({
    kind: fc.constant('reply' as const),
    latencySeconds: fc.integer({ min: 0, max: 86_400 }),
    meaning: fc.constantFrom('engaged' as const, 'neutral' as const, null),
  }),
  fc.record({ kind: fc.constant('feedback' as const), score: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
const negativeArb: fc.Arbitrary<Item> = fc.oneof(
  fc.constant({ kind: 'ignored' as const }),
  fc.constant({ kind: 'refusal' as const }),
  fc.record({
    kind: fc.constant('reply' as const),
    latencySeconds: fc.integer({ min: 0, max: 86_400 }),
    meaning: fc.constantFrom('not_now' as const, 'wrong_time' as const, 'annoyed' as const, 'stop' as const),
  }),
  fc.record({ kind: fc.constant('feedback' as const), score: fc.double({ min: -1, max: 0, noNaN: true }) }),
);
// mostly the evidence of a live pair; a refusal now and then (each one resets the masses)
const itemArb: fc.Arbitrary<Item> = fc.oneof(
  { arbitrary: positiveArb, weight: 16 },
  { arbitrary: fc.constant({ kind: 'ignored' as const }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('reply' as const),
      latencySeconds: fc.integer({ min: 0, max: 86_400 }),
      meaning: fc.constantFrom(...REPLY_MEANINGS.filter((m) => m !== 'stop'), null),
    }),
    weight: 7,
  },
  { arbitrary: negativeArb, weight: 1 },
);
// same instant, hours apart, days apart: timelines reach every state
const gapArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: DAY / 4 }), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 3 * DAY }), weight: 2 },
);
const timelineArb = fc.array(fc.tuple(gapArb, itemArb), { maxLength: 120, size: 'medium' }).map((pairs) => {
  let t = T0;
  return pairs.map(([gap, item]): EngagementEvidence => {
    t += gap;
    return { ...item, atMs: t } as EngagementEvidence;
  });
});
const lastAt = (evidence: readonly EngagementEvidence[]) => evidence.at(-1)?.atMs ?? T0;
/** Inserts an item at its place in time, after the items of the same instant. */
const insert = (evidence: readonly EngagementEvidence[], item: EngagementEvidence) => {
  const i = evidence.findIndex((e) => e.atMs > item.atMs);
  return i < 0 ? [...evidence, item] : [...evidence.slice(0, i), item, ...evidence.slice(i)];
};
const insertedArb = (itemKind: fc.Arbitrary<Item>) =>
  fc
    .tuple(
      timelineArb,
      itemKind,
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 60 * DAY }),
    )
    .map(([evidence, item, where, after]) => {
      const atMs = T0 + Math.floor(where * (lastAt(evidence) - T0));
      return { evidence, item: { ...item, atMs } as EngagementEvidence, nowMs: lastAt(evidence) + after };
    });

describe('engagementOf, for any evidence', () => {
  it('keeps the score in [0, 100] and the state inside its hysteresis band', () => {
    const keep = [0, ...Object.values(ENGAGEMENT_THRESHOLDS).map((t) => t - ENGAGEMENT_HYSTERESIS)];
    const enter = [...Object.values(ENGAGEMENT_THRESHOLDS).map((t) => t + ENGAGEMENT_HYSTERESIS), 101];
    fc.assert(
      fc.property(timelineArb, fc.integer({ min: 0, max: 60 * DAY }), (evidence, after) => {
        const e = engagementOf(evidence, lastAt(evidence) + after);
        expect(e.score).toBeGreaterThanOrEqual(0);
        expect(e.score).toBeLessThanOrEqual(100);
        const rank = ENGAGEMENT_STATES.indexOf(e.state);
        expect(e.score).toBeGreaterThanOrEqual(keep[rank]! - 0.05);
        expect(e.score).toBeLessThan(enter[rank]! + 0.05);
        if (e.since !== null) expect(e.since).toBeLessThanOrEqual(lastAt(evidence) + after);
      }),
    );
  });

  it('is never lowered by adding a positive item', () => {
    fc.assert(
      fc.property(insertedArb(positiveArb), ({ evidence, item, nowMs }) => {
        const without = engagementOf(evidence, nowMs);
        const withIt = engagementOf(insert(evidence, item), nowMs);
        expect(withIt.score).toBeGreaterThanOrEqual(without.score);
      }),
    );
  });

  it('is never raised by adding a negative item', () => {
    fc.assert(
      fc.property(insertedArb(negativeArb), ({ evidence, item, nowMs }) => {
        const without = engagementOf(evidence, nowMs);
        const withIt = engagementOf(insert(evidence, item), nowMs);
        expect(withIt.score).toBeLessThanOrEqual(without.score);
      }),
    );
  });

  it('moves monotonically towards the baseline while nothing new happens', () => {
    fc.assert(
      fc.property(
        timelineArb,
        fc.integer({ min: 0, max: 90 * DAY }),
        fc.integer({ min: 0, max: 90 * DAY }),
        (evidence, a, b) => {
          const sooner =
            engagementOf(evidence, lastAt(evidence) + Math.min(a, b)).score - ENGAGEMENT_BASELINE;
          const later = engagementOf(evidence, lastAt(evidence) + Math.max(a, b)).score - ENGAGEMENT_BASELINE;
          expect(Math.abs(later)).toBeLessThanOrEqual(Math.abs(sooner));
          expect(later * sooner).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('does not depend on the order of the items of one instant', () => {
    fc.assert(
      fc.property(timelineArb, fc.integer({ min: 0, max: 30 * DAY }), (evidence, after) => {
        // reverse each run of items at the same instant
        const reordered: EngagementEvidence[] = [];
        for (let i = 0; i < evidence.length; ) {
          let j = i;
          while (j < evidence.length && evidence[j]!.atMs === evidence[i]!.atMs) j++;
          reordered.push(...evidence.slice(i, j).reverse());
          i = j;
        }
        const nowMs = lastAt(evidence) + after;
        expect(engagementOf(reordered, nowMs)).toEqual(engagementOf(evidence, nowMs));
      }),
    );
  });

  it('reads the past the same whatever came after it', () => {
    fc.assert(
      fc.property(timelineArb, fc.double({ min: 0, max: 1, noNaN: true }), (evidence, where) => {
        const at = T0 + Math.floor(where * (lastAt(evidence) - T0));
        const known = evidence.filter((e) => e.atMs <= at);
        expect(engagementOf(evidence, at)).toEqual(engagementOf(known, at));
      }),
    );
  });
});
