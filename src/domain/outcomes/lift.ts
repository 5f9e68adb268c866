/** A proportion: how many of `n` did it. */
export interface Proportion {
  successes: number;
  n: number;
}

/** A difference of two proportions with its 95% interval. */
export interface Lift {
  estimate: number;
  low: number;
  high: number;
}

/** The normal quantile of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson's score interval of one proportion (95%): unlike the Wald interval it stays inside
 * [0, 1] and keeps its coverage for small counts and proportions near 0 or 1.
 */
export function wilsonInterval({ successes, n }: Proportion, z = Z95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // the interval always holds p: rounding must not push a bound past it
  return { low: Math.min(p, Math.max(0, centre - half)), high: Math.max(p, Math.min(1, centre + half)) };
}

/**
 * The lift of `treated` over `control` (the difference of their proportions) with Newcombe's
 * hybrid score interval (his method 10: the two Wilson intervals combined), which keeps its
 * coverage for small arms where the Wald interval is too narrow. Null when either arm is empty.
 *
 * @example lift({ successes: 30, n: 100 }, { successes: 20, n: 100 }) // { estimate: 0.1, low: -0.02, high: 0.22 } roughly
 */
export function lift(treated: Proportion, control: Proportion, z = Z95): Lift | null {
  if (treated.n <= 0 || control.n <= 0) return null;
  const p1 = treated.successes / treated.n;
  const p2 = control.successes / control.n;
  const w1 = wilsonInterval(treated, z);
  const w2 = wilsonInterval(control, z);
  const estimate = p1 - p2;
  const low = estimate - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2);
  const high = estimate + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2);
  return { estimate, low: Math.max(-1, low), high: Math.min(1, high) };
}
