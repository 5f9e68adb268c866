import { HOURS_PER_WEEK } from '../shared/local-time.js';

/**
 * How a user's counts by local hour of the week become a distribution (issue 19): chosen on the
 * real activity data's inner validation split (docs/EVALUATION.md, "Real activity data").
 */
export interface ShrinkageParams {
  /**
   * Pseudo-events of the population's hour-of-day and weekday shapes added to the user's own
   * (a user's 24 hours and 7 days are estimated long before their 168 cells are).
   */
  marginStrength: number;
  /** Pseudo-events of the factorised shape (`factorisedShape`) added to the user's own cells. */
  cellStrength: number;
  /** Weight of each neighbouring hour when the user's cells are smoothed (the hour itself weighs 1). */
  neighbourWeight: number;
}

export const DEFAULT_SHRINKAGE: ShrinkageParams = {
  marginStrength: 100,
  cellStrength: 1000,
  neighbourWeight: 1,
};

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
 * A user's distribution over the 168 local hours of the week (sums to 1, every hour above 0 when
 * the population's is): their own counts, each hour lending `neighbourWeight` of its mass to the
 * hours either side (wrapping from Sunday 23:00 to Monday 00:00), shrunk toward their factorised
 * shape with `cellStrength` pseudo-events: (c̃ + K·f) / (n + K).
 */
export function shrunkDistribution(
  counts: Float64Array,
  population: Float64Array,
  params: ShrinkageParams = DEFAULT_SHRINKAGE,
): Float64Array {
  const shape = factorisedShape(counts, population, params.marginStrength);
  const w = params.neighbourWeight;
  const norm = 1 + 2 * w;
  const last = HOURS_PER_WEEK - 1;
  const K = params.cellStrength;
  let n = 0;
  for (let s = 0; s < HOURS_PER_WEEK; s++) n += counts[s]!;
  const out = new Float64Array(HOURS_PER_WEEK);
  for (let s = 0; s < HOURS_PER_WEEK; s++) {
    const before = counts[s === 0 ? last : s - 1]!;
    const after = counts[s === last ? 0 : s + 1]!;
    const smooth = (counts[s]! + w * (before + after)) / norm;
    out[s] = (smooth + K * shape[s]!) / (n + K);
  }
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
