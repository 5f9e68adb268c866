import { HOURS_PER_WEEK } from '../shared/local-time.js';
import {
  activityDistribution,
  DEFAULT_PROFILE_PARAMS,
  GENERIC_PROFILE,
  type ProfileParams,
  smoothedCircular,
  sum,
} from './profile.js';

/**
 * What a user's counts are shrunk toward (issue 19), chosen on the real activity data's inner
 * validation split (docs/EVALUATION.md, "Real activity data"): the population's distribution as
 * the mean of its users, and each user's factorised shape of it.
 */

/** Pseudo-events of the population's hour-of-day and weekday shapes in a user's own (`factorisedShape`). */
export const MARGIN_STRENGTH = 30;

/**
 * The user's shape as the population's 168 hours reweighted by how the user's hours of the day
 * and days of the week differ from the population's, each shrunk toward the population's with
 * `marginStrength` pseudo-events:
 *
 *   f(d, h) ∝ g(d, h) · (u_h / g_h) · (u_d / g_d),   u_h = (n_h + k·g_h) / (n + k), likewise u_d.
 *
 * A user with no events gets the population; one with many gets their own hours and days in the
 * population's hour-by-day interaction (weekend mornings differ from weekday mornings). Sums to 1.
 */
export function factorisedShape(
  counts: Float64Array,
  population: Float64Array,
  marginStrength: number,
): Float64Array {
  const userHour = new Float64Array(24);
  const userDay = new Float64Array(7);
  const popHour = new Float64Array(24);
  const popDay = new Float64Array(7);
  let n = 0;
  for (let s = 0; s < HOURS_PER_WEEK; s++) {
    const hour = s % 24;
    const day = (s - hour) / 24;
    userHour[hour]! += counts[s]!;
    userDay[day]! += counts[s]!;
    popHour[hour]! += population[s]!;
    popDay[day]! += population[s]!;
    n += counts[s]!;
  }
  const k = marginStrength;
  const out = new Float64Array(HOURS_PER_WEEK);
  let total = 0;
  for (let s = 0; s < HOURS_PER_WEEK; s++) {
    const hour = s % 24;
    const day = (s - hour) / 24;
    const hourRatio =
      popHour[hour]! > 0 ? (userHour[hour]! + k * popHour[hour]!) / (n + k) / popHour[hour]! : 1;
    const dayRatio = popDay[day]! > 0 ? (userDay[day]! + k * popDay[day]!) / (n + k) / popDay[day]! : 1;
    out[s] = population[s]! * hourRatio * dayRatio;
    total += out[s]!;
  }
  for (let s = 0; s < HOURS_PER_WEEK; s++) out[s] = total > 0 ? out[s]! / total : 1 / HOURS_PER_WEEK;
  return out;
}

/** Pseudo-users of the generic human rhythm in a tenant's population: what a new tenant starts from. */
export const POPULATION_PRIOR_USERS = 2;

/**
 * The population's distribution as the mean of its users' shapes, each user weighing the same (a
 * tenant's busiest users do not make its rhythm): `sums` is the sum of the users' normalised
 * histograms, each faded with the long half-life since it was added. It is smoothed as a user's counts are (a tenant of a few users has a spiky
 * mean), and the generic human rhythm enters as `POPULATION_PRIOR_USERS` pseudo-users, so that a
 * tenant with no users yet has that rhythm and one with thousands has its own.
 */
export function populationOfUsers(
  sums: Float64Array,
  profile: ProfileParams = DEFAULT_PROFILE_PARAMS,
): Float64Array {
  const smooth = smoothedCircular(sums, profile);
  const out = new Float64Array(HOURS_PER_WEEK);
  let total = 0;
  for (let s = 0; s < HOURS_PER_WEEK; s++) {
    // shapes leave the population as they joined it, up to rounding: a bin may dip below 0
    out[s] = Math.max(0, smooth[s]!) + POPULATION_PRIOR_USERS * GENERIC_PROFILE[s]!;
    total += out[s]!;
  }
  for (let s = 0; s < HOURS_PER_WEEK; s++) out[s] = out[s]! / total;
  return out;
}

/**
 * How a user's counts are shrunk and their time scales mixed (`userDistribution`); chosen on the
 * real activity data's inner validation split and checked on the simulated chat users
 * (docs/EVALUATION.md, "Real activity data").
 */
export interface ShrinkageParams {
  /** Pseudo-events of the population's hour-of-day and weekday shapes in the user's (`factorisedShape`). */
  marginStrength: number;
  /**
   * Pseudo-events of the user's shape added to their counts grow with the square root of the
   * evidence, `perRootEvidence · √n`, between the profile's `priorStrength` and `maxStrength`: a
   * user of a few days leans on their own hours as much as before, one of years on the shape.
   */
  perRootEvidence: number;
  maxStrength: number;
  /** The recent scale's distribution weighs `recentShare · n / (n + recentEvidence)`, n its evidence. */
  recentShare: number;
  recentEvidence: number;
}

export const DEFAULT_SHRINKAGE: ShrinkageParams = {
  marginStrength: MARGIN_STRENGTH,
  perRootEvidence: 2,
  maxStrength: 30,
  recentShare: 0.5,
  recentEvidence: 10,
};

/** The pseudo-events of the shape for a user whose counts hold `evidence` events. */
export function priorStrengthFor(
  evidence: number,
  profile: ProfileParams = DEFAULT_PROFILE_PARAMS,
  shrinkage: ShrinkageParams = DEFAULT_SHRINKAGE,
): number {
  const grown = shrinkage.perRootEvidence * Math.sqrt(Math.max(0, evidence));
  return Math.min(shrinkage.maxStrength, Math.max(profile.priorStrength, grown));
}

/**
 * A user's distribution as the engine reads it, from their counts on the long scale and, when
 * kept, on the recent one: each scale's counts smoothed and pooled (`activityDistribution`),
 * shrunk toward the user's factorised shape of the population with a strength that grows with
 * the evidence, and the recent one mixed in by its evidence (a user whose habits changed weeks
 * ago is read more by their recent weeks as those add up).
 */
export function userDistribution(
  long: Float64Array,
  recent: Float64Array | null,
  population: Float64Array,
  profile: ProfileParams = DEFAULT_PROFILE_PARAMS,
  shrinkage: ShrinkageParams = DEFAULT_SHRINKAGE,
): Float64Array {
  const longDistribution = shrunk(long, population, profile, shrinkage);
  const n = recent ? sum(recent) : 0;
  if (!recent || !(n > 0) || shrinkage.recentShare <= 0) return longDistribution;
  const recentDistribution = shrunk(recent, population, profile, shrinkage);
  const w = (shrinkage.recentShare * n) / (n + shrinkage.recentEvidence);
  const out = new Float64Array(HOURS_PER_WEEK);
  for (let s = 0; s < HOURS_PER_WEEK; s++)
    out[s] = (1 - w) * longDistribution[s]! + w * recentDistribution[s]!;
  return out;
}

function shrunk(
  counts: Float64Array,
  population: Float64Array,
  profile: ProfileParams,
  shrinkage: ShrinkageParams,
): Float64Array {
  const shape = factorisedShape(counts, population, shrinkage.marginStrength);
  const priorStrength = priorStrengthFor(sum(counts), profile, shrinkage);
  return activityDistribution(counts, shape, { ...profile, priorStrength });
}
