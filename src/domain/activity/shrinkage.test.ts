import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK } from '../shared/local-time.js';
import { activityDistribution, GENERIC_PROFILE } from './profile.js';
import { factorisedShape, MARGIN_STRENGTH, meanOfUsers } from './shrinkage.js';

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

  it('weighs each user the same in the population, and falls back when there is none', () => {
    const fallback = GENERIC_PROFILE;
    expect(meanOfUsers(new Float64Array(HOURS_PER_WEEK), 0, fallback)).toBe(fallback);
    const sums = new Float64Array(HOURS_PER_WEEK);
    sums[slot(0, 9)] = 1; // one user all at Monday 09:00
    sums[slot(0, 21)] = 1; // another all at Monday 21:00, whatever their number of events
    const p = meanOfUsers(sums, 2, fallback);
    expect(p[slot(0, 9)]).toBeCloseTo(p[slot(0, 21)]!, 12);
    expect(sum(p)).toBeCloseTo(1, 12);
    expect(p[slot(3, 3)]).toBeGreaterThan(0);
  });
});
