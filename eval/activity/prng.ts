/**
 * Seeded randomness for the evaluation: mulberry32, a 32-bit generator that is small, fast and
 * good enough for simulation (not for cryptography). Every user draws from their own stream,
 * derived from the run's seed and their index, so a user's data does not depend on the others.
 */
import type { Random } from '../../src/domain/shared/random.js';

export { type Random, seededRandom as mulberry32 } from '../../src/domain/shared/random.js';

/** A seed for stream `index` of the run `seed` (a murmur3-style finaliser, so nearby inputs diverge). */
export function streamSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function uniform(rng: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

export function integer(rng: Random, lo: number, hiInclusive: number): number {
  return lo + Math.floor(rng() * (hiInclusive - lo + 1));
}

/** Standard normal, by Box-Muller. */
export function normal(rng: Random): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Poisson by inversion: exact, and quick for the small rates used here. */
export function poisson(rng: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

/** Failures before the first success, success probability `p`. */
export function geometric(rng: Random, p: number): number {
  return Math.floor(Math.log(Math.max(rng(), 1e-12)) / Math.log(1 - p));
}

export function weightedChoice<T>(rng: Random, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}
