import { hourOfWeekAt } from '../../src/domain/shared/local-time.js';
import { kindOf, type SimUser } from './simulate.js';

/**
 * The baseline, as the systems Overture replaces did it: count the user's sessions
 * (`session_start` events) per UTC hour of the week over the whole training period, divide by
 * the largest count, and call an hour good if the result is at least 0.1. No decay, no zone, no
 * prior.
 */
export const BASELINE_GOOD = 0.1;

export function baselineCounts(u: SimUser, splitMs: number): Float64Array {
  const counts = new Float64Array(168);
  for (let i = 0; i < u.times.length; i++) {
    const t = u.times[i]!;
    if (t >= splitMs) break;
    if (kindOf(u, i) === 'session_start') counts[hourOfWeekAt(t)]! += 1;
  }
  return counts;
}

/** The baseline's own score: count over the largest count, in [0, 1]. */
export function baselineScores(counts: Float64Array): Float64Array {
  const max = Math.max(...counts);
  return counts.map((c) => (max > 0 ? c / max : 0));
}

/**
 * The baseline's counts as a probability distribution over UTC hours of the week, for the
 * likelihood and the calibration: additive (Laplace/Lidstone) smoothing, (c + alpha) / (n + 168
 * alpha), so that no hour has probability zero. `alpha` is chosen on the validation split, like
 * the model's parameters (eval/activity/tune.ts).
 */
export function baselineDistribution(counts: Float64Array, alpha: number): Float64Array {
  let n = 0;
  for (const c of counts) n += c;
  return counts.map((c) => (c + alpha) / (n + 168 * alpha));
}
