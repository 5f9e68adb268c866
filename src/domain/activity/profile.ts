import { HOURS_PER_WEEK } from '../shared/local-time.js';

/** How a user's counts become a distribution; tuned by `npm run eval:activity` (docs/EVALUATION.md). */
export interface ProfileParams {
  /** Pseudo-events of the population profile added to every user: the cold-start prior's strength. */
  priorStrength: number;
  /** Weight of each neighbouring hour in the circular smoothing (the hour itself weighs 1). */
  neighbourWeight: number;
  /** How many times the smoothing is applied: each pass reaches one hour further either side. */
  smoothingPasses: number;
  /** Share of a user's mass pooled over the same hour of the other days of their group (weekdays, weekend). */
  groupPooling: number;
  /** Share pooled over the same hour of all seven days. */
  weekPooling: number;
}

export const DEFAULT_PROFILE_PARAMS: ProfileParams = {
  priorStrength: 4,
  neighbourWeight: 0.7,
  smoothingPasses: 2,
  groupPooling: 0.65,
  weekPooling: 0.2,
};

/**
 * A generic human rhythm by local hour of the day (asleep at night, busiest in the evening), the
 * prior of a tenant whose population has little data yet. The same for every day of the week.
 */
const GENERIC_DAY = [
  0.6, 0.35, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.1, 1.2, 1.2, 1.3, 1.5, 1.4, 1.2, 1.2, 1.3, 1.5, 1.8, 2.1, 2.3,
  2.2, 1.8, 1.1,
];
export const GENERIC_PROFILE: Float64Array = normalised(
  Float64Array.from({ length: HOURS_PER_WEEK }, (_, h) => GENERIC_DAY[h % 24]!),
);

/**
 * A user's activity distribution over the 168 local hours of the week (sums to 1), from their
 * decayed counts and the population's distribution:
 *
 * 1. circular smoothing: each hour lends part of its mass to the hours beside it, wrapping from
 *    Sunday 23:00 to Monday 00:00, so one 21:00 message does not make 20:00 a dead hour (applied
 *    `smoothingPasses` times, so that a sparse user's hours blur over a few hours either side);
 * 2. pooling: part of each hour's mass is shared with the same hour on the other days of its
 *    group (Monday-Friday or the weekend) and, less, of the whole week: habits repeat by day;
 * 3. shrinkage: the population profile enters as `priorStrength` pseudo-events (a Dirichlet
 *    prior), so three events give mostly the population's hours and three hundred the user's own.
 */
export function activityDistribution(
  counts: Float64Array,
  population: Float64Array,
  params: ProfileParams = DEFAULT_PROFILE_PARAMS,
): Float64Array {
  // The passes ping-pong between two scratch arrays and pooling and shrinkage are one loop, so
  // a user costs one allocation (the result) and no modulo per hour; every value is computed by
  // the same operations in the same order as `referenceDistribution` in profile.test.ts, so the
  // result is the same to the last bit.
  let smooth = counts;
  for (let pass = 0; pass < params.smoothingPasses; pass++) {
    const into = smooth === SCRATCH_A ? SCRATCH_B : SCRATCH_A;
    smoothCircularInto(smooth, into, params.neighbourWeight);
    smooth = into;
  }
  const total = sum(counts);
  const shrunk = smooth === SCRATCH_A ? SCRATCH_B : SCRATCH_A;
  poolAndShrink(smooth, population, total, params, shrunk);
  return normalised(shrunk);
}

/**
 * The population's distribution: the same recipe over the tenant's summed counts, shrunk toward
 * the generic human rhythm instead of a population.
 */
export function populationDistribution(counts: Float64Array, params: ProfileParams = DEFAULT_PROFILE_PARAMS) {
  return activityDistribution(counts, GENERIC_PROFILE, {
    ...params,
    priorStrength: params.priorStrength * 6,
  });
}

/** How much a distribution can be trusted, in [0, 1): evidence over evidence plus the prior's. */
export function confidenceOf(evidence: number, params: ProfileParams = DEFAULT_PROFILE_PARAMS): number {
  return evidence / (evidence + params.priorStrength * 2);
}

/** `counts` smoothed as step 1 of `activityDistribution` does (a new array). */
export function smoothedCircular(counts: Float64Array, params: ProfileParams = DEFAULT_PROFILE_PARAMS) {
  let out = Float64Array.from(counts);
  for (let pass = 0; pass < params.smoothingPasses; pass++) {
    const into = new Float64Array(HOURS_PER_WEEK);
    smoothCircularInto(out, into, params.neighbourWeight);
    out = into;
  }
  return out;
}

/** Scratch arrays of one call of `activityDistribution` (it never awaits, so calls never overlap). */
const SCRATCH_A = new Float64Array(HOURS_PER_WEEK);
const SCRATCH_B = new Float64Array(HOURS_PER_WEEK);
const WEEKDAY_MEAN = new Float64Array(24);
const WEEKEND_MEAN = new Float64Array(24);
const WEEK_MEAN = new Float64Array(24);

/** Each hour keeps its mass and takes `w` of each neighbour's, wrapping around the week; `out` is written. */
function smoothCircularInto(counts: Float64Array, out: Float64Array, w: number): void {
  const last = HOURS_PER_WEEK - 1;
  const norm = 1 + 2 * w;
  out[0] = (counts[0]! + w * (counts[last]! + counts[1]!)) / norm;
  for (let h = 1; h < last; h++) out[h] = (counts[h]! + w * (counts[h - 1]! + counts[h + 1]!)) / norm;
  out[last] = (counts[last]! + w * (counts[last - 1]! + counts[0]!)) / norm;
}

/**
 * Pools each hour with the same hour of its group of days (Monday-Friday or the weekend) and of
 * the week, then adds the population as `priorStrength` pseudo-events, into `out`.
 */
function poolAndShrink(
  x: Float64Array,
  population: Float64Array,
  total: number,
  params: ProfileParams,
  out: Float64Array,
): void {
  const { groupPooling: group, weekPooling: week, priorStrength: prior } = params;
  WEEKDAY_MEAN.fill(0);
  WEEKEND_MEAN.fill(0);
  WEEK_MEAN.fill(0);
  for (let day = 0, h = 0; day < 7; day++) {
    const groupMean = day < 5 ? WEEKDAY_MEAN : WEEKEND_MEAN;
    const days = day < 5 ? 5 : 2;
    for (let hour = 0; hour < 24; hour++, h++) {
      groupMean[hour]! += x[h]! / days;
      WEEK_MEAN[hour]! += x[h]! / 7;
    }
  }
  const own = 1 - group - week;
  for (let day = 0, h = 0; day < 7; day++) {
    const groupMean = day < 5 ? WEEKDAY_MEAN : WEEKEND_MEAN;
    for (let hour = 0; hour < 24; hour++, h++) {
      const pooled = own * x[h]! + group * groupMean[hour]! + week * WEEK_MEAN[hour]!;
      out[h] = (pooled + prior * population[h]!) / (total + prior);
    }
  }
}

export function normalised(x: Float64Array): Float64Array {
  const total = sum(x);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = total > 0 ? x[i]! / total : 1 / x.length;
  return out;
}

export function sum(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}
