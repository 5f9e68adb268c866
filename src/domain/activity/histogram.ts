import { HOURS_PER_WEEK } from '../shared/local-time.js';

/**
 * Counts per hour of the week that fade with a half-life, updated in O(1) per observation.
 *
 * Instead of decaying all 168 bins at every observation, weights are stored relative to a
 * reference instant: an observation at `t` adds 2^((t - ref) / halfLife), and reading at `T`
 * multiplies by 2^(-(T - ref) / halfLife). When an observation lies more than four half-lives
 * after the reference, the bins are rebased (168 multiplications, about once per two months of
 * activity), which keeps every stored value below 16 times its true weight. Observations may
 * arrive in any order.
 */
export interface Histogram {
  refMs: number;
  bins: Float64Array;
  /** Sum of the bins, in the same scale. */
  total: number;
}

const REBASE_AFTER_HALF_LIVES = 4;

export function emptyHistogram(refMs: number): Histogram {
  return { refMs, bins: new Float64Array(HOURS_PER_WEEK), total: 0 };
}

export function observe(
  h: Histogram,
  hourOfWeek: number,
  atMs: number,
  halfLifeMs: number,
  weight = 1,
): void {
  if (atMs - h.refMs > REBASE_AFTER_HALF_LIVES * halfLifeMs) rebase(h, atMs, halfLifeMs);
  const w = weight * 2 ** ((atMs - h.refMs) / halfLifeMs);
  h.bins[hourOfWeek]! += w;
  h.total += w;
}

/**
 * Adds `scale` times a whole week of weights (`shape`, 168 values) observed at `atMs`: a user's
 * shape joining the population (scale 1) or leaving it (scale -1, with the instant it joined at,
 * which takes out exactly what is left of it). Bins may dip a rounding error below 0.
 */
export function observeShape(
  h: Histogram,
  shape: Float64Array,
  atMs: number,
  halfLifeMs: number,
  scale: number,
): void {
  if (atMs - h.refMs > REBASE_AFTER_HALF_LIVES * halfLifeMs) rebase(h, atMs, halfLifeMs);
  const w = scale * 2 ** ((atMs - h.refMs) / halfLifeMs);
  let total = 0;
  for (let i = 0; i < h.bins.length; i++) {
    h.bins[i]! += w * shape[i]!;
    total += shape[i]!;
  }
  h.total += w * total;
}

/** Moves the reference to `toMs`, scaling the bins so that their meaning is unchanged. */
function rebase(h: Histogram, toMs: number, halfLifeMs: number): void {
  const factor = 2 ** (-(toMs - h.refMs) / halfLifeMs);
  for (let i = 0; i < h.bins.length; i++) h.bins[i]! *= factor;
  h.total *= factor;
  h.refMs = toMs;
}

/**
 * The factor from stored weights to weights as of `atMs`. An instant before the reference reads
 * as the reference: going back, every weight would grow by 2 per half-life without bound (with
 * the default 21 days, to Infinity before about 1967, and NaN after), and the model cannot
 * un-observe what came later anyway. The distribution does not depend on it (it scales all bins
 * alike); the evidence, and the confidence, are those at the reference.
 */
function decayTo(h: Histogram, atMs: number, halfLifeMs: number): number {
  return 2 ** (-Math.max(0, atMs - h.refMs) / halfLifeMs);
}

/** The decayed counts as of `atMs` (a new array). */
export function countsAt(h: Histogram, atMs: number, halfLifeMs: number): Float64Array {
  const factor = decayTo(h, atMs, halfLifeMs);
  const out = new Float64Array(h.bins.length);
  for (let i = 0; i < out.length; i++) out[i] = h.bins[i]! * factor;
  return out;
}

/** The decayed total as of `atMs`: the evidence, in events, that the histogram holds. */
export function totalAt(h: Histogram, atMs: number, halfLifeMs: number): number {
  return h.total * decayTo(h, atMs, halfLifeMs);
}

/** Adds `other` into `into` (both keep their meaning; `into` takes the later reference). */
export function mergeInto(into: Histogram, other: Histogram, halfLifeMs: number): void {
  if (other.refMs > into.refMs) rebase(into, other.refMs, halfLifeMs);
  const factor = 2 ** (-(into.refMs - other.refMs) / halfLifeMs);
  for (let i = 0; i < into.bins.length; i++) into.bins[i]! += other.bins[i]! * factor;
  into.total += other.total * factor;
}

/** The histogram with every bin moved by `hours` (e.g. from UTC to a zone's local time). */
export function rotated(h: Histogram, hours: number): Histogram {
  return { refMs: h.refMs, bins: rotatedBins(h.bins, hours), total: h.total };
}

/** The values moved by `hours` around the week (a new array). */
export function rotatedBins(bins: Float64Array, hours: number): Float64Array {
  const n = bins.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[(((i + hours) % n) + n) % n] = bins[i]!;
  return out;
}
