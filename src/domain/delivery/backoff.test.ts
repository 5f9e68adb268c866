import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

const backoff = { baseMs: 30_000, maxMs: 3_600_000 };

describe('retryDelayMs', () => {
  it('doubles per attempt, with half of it jittered', () => {
    expect(retryDelayMs(1, backoff, () => 0, null)).toBe(15_000);
    expect(retryDelayMs(1, backoff, () => 0.999999, null)).toBe(30_000);
    expect(retryDelayMs(3, backoff, () => 0, null)).toBe(60_000);
    expect(retryDelayMs(3, backoff, () => 0.5, null)).toBe(90_000);
  });

  it('is capped', () => {
    expect(retryDelayMs(30, backoff, () => 0, null)).toBe(1_800_000);
    expect(retryDelayMs(30, backoff, () => 0.999999, null)).toBeLessThanOrEqual(3_600_000);
  });

  it("never comes sooner than the platform's retry-after", () => {
    expect(retryDelayMs(1, backoff, () => 0, 120_000)).toBe(120_000);
    expect(retryDelayMs(5, backoff, () => 0, 1_000)).toBe(240_000);
  });

  it('stays inside [half, whole] of the exponential delay for any draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const whole = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (n - 1));
          const d = retryDelayMs(n, backoff, () => r, null);
          return d >= whole / 2 - 1 && d <= whole;
        },
      ),
    );
  });
});
