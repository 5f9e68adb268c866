import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK } from '../shared/local-time.js';
import {
  activityDistribution,
  DEFAULT_PROFILE_PARAMS,
  GENERIC_PROFILE,
  normalised,
  type ProfileParams,
  populationDistribution,
} from './profile.js';

/**
 * The distribution as first written (one array per step, modulo indexing): `activityDistribution`
 * must give exactly these values, so that a faster version never changes a decision.
 */
function referenceDistribution(counts: Float64Array, population: Float64Array, params: ProfileParams) {
  const smoothCircular = (c: Float64Array, w: number) => {
    const n = c.length;
    const out = new Float64Array(n);
    const norm = 1 + 2 * w;
    for (let h = 0; h < n; h++) out[h] = (c[h]! + w * (c[(h + n - 1) % n]! + c[(h + 1) % n]!)) / norm;
    return out;
  };
  const pool = (x: Float64Array, group: number, week: number) => {
    const weekdayMean = new Float64Array(24);
    const weekendMean = new Float64Array(24);
    const weekMean = new Float64Array(24);
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      const day = Math.floor(h / 24);
      const hour = h % 24;
      if (day < 5) weekdayMean[hour]! += x[h]! / 5;
      else weekendMean[hour]! += x[h]! / 2;
      weekMean[hour]! += x[h]! / 7;
    }
    const out = new Float64Array(HOURS_PER_WEEK);
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      const hour = h % 24;
      const groupMean = Math.floor(h / 24) < 5 ? weekdayMean[hour]! : weekendMean[hour]!;
      out[h] = (1 - group - week) * x[h]! + group * groupMean + week * weekMean[hour]!;
    }
    return out;
  };
  const sum = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]!;
    return s;
  };
  let smooth = counts;
  for (let pass = 0; pass < params.smoothingPasses; pass++)
    smooth = smoothCircular(smooth, params.neighbourWeight);
  const pooled = pool(smooth, params.groupPooling, params.weekPooling);
  const total = sum(counts);
  const out = new Float64Array(HOURS_PER_WEEK);
  for (let h = 0; h < HOURS_PER_WEEK; h++)
    out[h] = (pooled[h]! + params.priorStrength * population[h]!) / (total + params.priorStrength);
  return normalised(out);
}

const sameBits = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

const counts = fc
  .array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })), {
    minLength: HOURS_PER_WEEK,
    maxLength: HOURS_PER_WEEK,
  })
  .map((xs) => Float64Array.from(xs));

describe('activity distribution', () => {
  it('gives bit for bit the values of the reference recipe, whatever the counts and parameters', () => {
    const params = fc.record({
      priorStrength: fc.double({ min: 0.1, max: 50, noNaN: true }),
      neighbourWeight: fc.double({ min: 0, max: 1, noNaN: true }),
      smoothingPasses: fc.integer({ min: 0, max: 4 }),
      groupPooling: fc.double({ min: 0, max: 0.7, noNaN: true }),
      weekPooling: fc.double({ min: 0, max: 0.3, noNaN: true }),
    });
    fc.assert(
      fc.property(counts, counts, params, (c, p, settings) => {
        const population = normalised(p);
        const got = activityDistribution(c, population, settings);
        expect(sameBits(got, referenceDistribution(c, population, settings))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the reference values for the population too, and leaves its inputs as they were', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const before = Float64Array.from(c);
        const want = referenceDistribution(c, GENERIC_PROFILE, {
          ...DEFAULT_PROFILE_PARAMS,
          priorStrength: DEFAULT_PROFILE_PARAMS.priorStrength * 6,
        });
        expect(sameBits(populationDistribution(c), want)).toBe(true);
        expect(sameBits(c, before)).toBe(true);
      }),
    );
  });

  it('returns a new array each time, so one result is never overwritten by the next', () => {
    const a = activityDistribution(new Float64Array(HOURS_PER_WEEK).fill(1), GENERIC_PROFILE);
    const copy = Float64Array.from(a);
    activityDistribution(
      Float64Array.from({ length: HOURS_PER_WEEK }, (_, h) => h),
      GENERIC_PROFILE,
    );
    expect(sameBits(a, copy)).toBe(true);
  });
});
