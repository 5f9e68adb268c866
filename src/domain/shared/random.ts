/** A source of numbers in [0, 1); domain code takes one as an argument instead of `Math.random`. */
export type Random = () => number;

/**
 * mulberry32: a small, fast 32-bit generator, good for simulation and for breaking ties
 * repeatably (not for anything secret). The same seed gives the same sequence.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a's offset basis: the hash of nothing. */
export const FNV_BASIS = 0x811c9dc5;

/**
 * FNV-1a, 32 bits, over the UTF-16 code units of `text`, from `basis` (a different basis gives an
 * unrelated hash, which is how a seed is mixed in). A repeatable number from a string.
 */
export function fnv1a(text: string, basis: number = FNV_BASIS): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A repeatable number in [0, 1) from a string: FNV-1a, then MurmurHash3's finaliser, so that
 * strings differing in their last character (user-1, user-2) spread over the whole range.
 */
export function unitHash(text: string): number {
  let h = fnv1a(text);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4_294_967_296;
}
