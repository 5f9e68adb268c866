import { describe, expect, it } from 'vitest';
import { FNV_BASIS, fnv1a, seededRandom } from './random.js';

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs across seeds, and stays in [0, 1)', () => {
    const a = Array.from({ length: 1000 }, seededRandom(42));
    expect(Array.from({ length: 1000 }, seededRandom(42))).toEqual(a);
    expect(Array.from({ length: 1000 }, seededRandom(43))).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('fnv1a', () => {
  it('gives the published FNV-1a 32-bit hashes', () => {
    expect(fnv1a('')).toBe(FNV_BASIS);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('gives an unrelated hash from another basis', () => {
    expect(fnv1a('foobar', FNV_BASIS ^ 1)).not.toBe(fnv1a('foobar'));
  });
});
