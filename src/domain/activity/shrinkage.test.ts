import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK } from '../shared/local-time.js';
import { activityDistribution, DEFAULT_PROFILE_PARAMS, GENERIC_PROFILE } from './profile.js';
import {
  DEFAULT_SHRINKAGE,
  factorisedShape,
  MARGIN_STRENGTH,
  POPULATION_PRIOR_USERS,
  populationOfUsers,
  priorStrengthFor,
  userDistribution,
} from './shrinkage.js';

const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
const slot = (day: number, hour: number) => day * 24 + hour;

/** A population busy on weekday mornings and weekend evenings: an hour-by-day interaction. */
const population = (() => {
  const p = new Float64Array(HOURS_PER_WEEK).fill(1);
  for (let day = 0; day < 7; day++) for (const hour of day < 5 ? [9, 10] : [20, 21]) p[slot(day, hour)] = 10;
  return p.map((x) => x / sum(p));
})();

/** `n` events at 21:00 on every day. */
function evenings(n: number) {
  const c = new Float64Array(HOURS_PER_WEEK);
  for (let i = 0; i < n; i++) c[slot(i % 7, 21)]! += 1;
  return c;
}

describe('shrunk distributions (issue 19)', () => {
  it('is the population for a user with no events', () => {
    const shape = factorisedShape(new Float64Array(HOURS_PER_WEEK), population, MARGIN_STRENGTH);
    for (let s = 0; s < HOURS_PER_WEEK; s++) expect(shape[s]).toBeCloseTo(population[s]!, 12);
  });

  it('sums to 1 with every hour possible, whatever the counts, and so does the distribution shrunk toward it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 1000, noNaN: true }), { minLength: 168, maxLength: 168 }),
        (xs) => {
          const counts = Float64Array.from(xs);
          const shape = factorisedShape(counts, GENERIC_PROFILE, MARGIN_STRENGTH);
          const p = activityDistribution(counts, shape);
          for (const x of [shape, p]) {
            expect(sum(x)).toBeCloseTo(1, 9);
            for (const v of x) expect(v).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it("moves toward the user's own hours as their events add up", () => {
    // the mass within an hour of 21:00
    const share = (n: number) => {
      const shape = factorisedShape(evenings(n), population, MARGIN_STRENGTH);
      let evening = 0;
      for (let day = 0; day < 7; day++) for (const hour of [20, 21, 22]) evening += shape[slot(day, hour)]!;
      return evening;
    };
    const shares = [0, 10, 100, 1000].map(share);
    for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThan(shares[i - 1]!);
  });

  it("keeps the population's hour-by-day interaction in the shape of a user whose hours and days it matches", () => {
    const counts = population.map((x) => x * 500);
    const shape = factorisedShape(counts, population, MARGIN_STRENGTH);
    for (let s = 0; s < HOURS_PER_WEEK; s++) expect(shape[s]).toBeCloseTo(population[s]!, 12);
  });

  it("reads a user's evening habit into every day of the week before their own cells are known", () => {
    // 40 events at 21:00, Mondays only: the shape lifts 21:00 on Tuesday too (the hour marginal)
    const counts = new Float64Array(HOURS_PER_WEEK);
    counts[slot(0, 21)] = 40;
    const shape = factorisedShape(counts, population, MARGIN_STRENGTH);
    expect(shape[slot(1, 21)]! / shape[slot(1, 9)]!).toBeGreaterThan(
      population[slot(1, 21)]! / population[slot(1, 9)]!,
    );
  });

  it('weighs each user the same in the population, and starts a tenant of no users from the generic rhythm', () => {
    const none = populationOfUsers(new Float64Array(HOURS_PER_WEEK));
    for (let s = 0; s < HOURS_PER_WEEK; s++) expect(none[s]).toBeCloseTo(GENERIC_PROFILE[s]!, 12);
    const sums = new Float64Array(HOURS_PER_WEEK);
    sums[slot(2, 9)] = 50; // fifty users all at Wednesday 09:00
    sums[slot(2, 21)] = 50; // fifty others all at Wednesday 21:00, whatever their number of events
    const p = populationOfUsers(sums);
    expect(sum(p)).toBeCloseTo(1, 12);
    // the same mass around each, smoothed over the neighbouring hours; the generic rhythm is 2 users of 102
    const around = (hour: number) => p[slot(2, hour - 1)]! + p[slot(2, hour)]! + p[slot(2, hour + 1)]!;
    expect(Math.abs(around(9) - around(21))).toBeLessThan((2 * POPULATION_PRIOR_USERS) / 102);
    expect(around(9)).toBeGreaterThan(0.35);
    expect(p[slot(5, 3)]).toBeGreaterThan(0);
    // a bin a rounding error below 0 (a shape that left) reads as 0, not as a negative probability
    sums[slot(4, 4)] = -1e-12;
    expect(Math.min(...populationOfUsers(sums))).toBeGreaterThan(0);
  });

  it('lends a user more pseudo-events of their shape as they show more, within bounds', () => {
    const strengths = [0, 1, 4, 16, 100, 225, 10_000].map((n) => priorStrengthFor(n));
    expect(strengths[0]).toBe(DEFAULT_PROFILE_PARAMS.priorStrength);
    for (let i = 1; i < strengths.length; i++) expect(strengths[i]).toBeGreaterThanOrEqual(strengths[i - 1]!);
    expect(priorStrengthFor(100)).toBeCloseTo(20, 12); // 2 · √100
    expect(strengths.at(-1)).toBe(DEFAULT_SHRINKAGE.maxStrength);
  });

  it('mixes in the recent weeks by their evidence: a user whose habits moved is read more by the new ones', () => {
    const morning = (n: number) => {
      const c = new Float64Array(HOURS_PER_WEEK);
      for (let i = 0; i < n; i++) c[slot(i % 5, 8)]! += 1;
      return c;
    };
    const long = evenings(300);
    const share = (p: Float64Array) => [0, 1, 2, 3, 4].reduce((a, d) => a + p[slot(d, 8)]!, 0);
    const without = userDistribution(long, null, population);
    const few = userDistribution(long, morning(3), population);
    const many = userDistribution(long, morning(60), population);
    expect(share(few)).toBeGreaterThan(share(without));
    expect(share(many)).toBeGreaterThan(share(few));
    // never more than recentShare of the whole
    expect(share(many)).toBeLessThan(DEFAULT_SHRINKAGE.recentShare + share(without));
    for (const p of [without, few, many]) expect(sum(p)).toBeCloseTo(1, 9);
    // no recent evidence: the long memory alone
    expect(userDistribution(long, new Float64Array(HOURS_PER_WEEK), population)).toEqual(without);
  });
});
