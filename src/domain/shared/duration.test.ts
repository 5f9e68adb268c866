import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['P1D', 86_400_000],
    ['PT12H', 43_200_000],
    ['P1DT6H30M', 109_800_000],
    ['P2W', 14 * 86_400_000],
    ['PT90S', 90_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['P', 'PT', '1D', 'P1M', 'P1Y', 'P1.5D', 'PT-1H', ''])('refuses %s', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
