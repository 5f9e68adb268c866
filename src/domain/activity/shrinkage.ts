import { HOURS_PER_WEEK } from '../shared/local-time.js';
import { activityDistribution, DEFAULT_PROFILE_PARAMS, type ProfileParams } from './profile.js';

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

/**
 * The population's distribution as the mean of its users' own distributions, each user weighing
 * the same (a tenant's busiest users do not make its rhythm): `sums` is the sum of the users'
 * normalised histograms and `users` how many there are. With none, the `fallback`.
 */
export function meanOfUsers(sums: Float64Array, users: number, fallback: Float64Array): Float64Array {
  if (users <= 0) return fallback;
  const out = new Float64Array(HOURS_PER_WEEK);
  let total = 0;
  for (let s = 0; s < HOURS_PER_WEEK; s++) total += sums[s]!;
  if (!(total > 0)) return fallback;
  // a floor keeps every hour possible, as a user's shrinkage needs
  const floor = 1e-6;
  for (let s = 0; s < HOURS_PER_WEEK; s++) out[s] = (sums[s]! / total + floor) / (1 + floor * HOURS_PER_WEEK);
  return out;
}

/**
 * A user's distribution as the engine reads it: their counts smoothed and pooled, shrunk toward
 * their factorised shape of the population (`activityDistribution` with that shape as its prior).
 */
export function userDistribution(
  counts: Float64Array,
  population: Float64Array,
  params: ProfileParams = DEFAULT_PROFILE_PARAMS,
): Float64Array {
  return activityDistribution(counts, factorisedShape(counts, population, MARGIN_STRENGTH), params);
}
