import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lift, wilsonInterval } from './lift.js';

describe('wilsonInterval', () => {
  it('gives the textbook interval for 81 of 263 (Newcombe 1998, example)', () => {
    const { low, high } = wilsonInterval({ successes: 81, n: 263 });
    expect(low).toBeCloseTo(0.2553, 3);
    expect(high).toBeCloseTo(0.3662, 3);
  });

  it('stays inside [0, 1] at 0 of 10 and 10 of 10', () => {
    expect(wilsonInterval({ successes: 0, n: 10 })).toEqual({ low: 0, high: expect.closeTo(0.2775, 3) });
    expect(wilsonInterval({ successes: 10, n: 10 }).high).toBe(1);
  });
});

describe('lift', () => {
  it("matches Newcombe's method 10 on his example 56/70 against 48/80", () => {
    // Newcombe (1998), Statistics in Medicine 17:873, table II, example (a): 0.0524 to 0.3339
    const l = lift({ successes: 56, n: 70 }, { successes: 48, n: 80 })!;
    expect(l.estimate).toBeCloseTo(0.2, 6);
    expect(l.low).toBeCloseTo(0.0524, 3);
    expect(l.high).toBeCloseTo(0.3339, 3);
  });

  it('is null when either arm is empty', () => {
    expect(lift({ successes: 0, n: 0 }, { successes: 1, n: 2 })).toBeNull();
    expect(lift({ successes: 1, n: 2 }, { successes: 0, n: 0 })).toBeNull();
  });

  it('holds the estimate inside its interval, within [-1, 1]', () => {
    const arm = fc
      .integer({ min: 1, max: 5000 })
      .chain((n) => fc.record({ n: fc.constant(n), successes: fc.integer({ min: 0, max: n }) }));
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const l = lift(a, b)!;
        expect(l.low).toBeLessThanOrEqual(l.estimate + 1e-12);
        expect(l.estimate).toBeLessThanOrEqual(l.high + 1e-12);
        expect(l.low).toBeGreaterThanOrEqual(-1);
        expect(l.high).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('narrows as both arms grow with the same proportions', () => {
    const arm = fc
      .integer({ min: 1, max: 200 })
      .chain((n) => fc.record({ n: fc.constant(n), successes: fc.integer({ min: 0, max: n }) }));
    fc.assert(
      fc.property(arm, arm, fc.integer({ min: 2, max: 50 }), (a, b, k) => {
        const small = lift(a, b)!;
        const large = lift(
          { successes: a.successes * k, n: a.n * k },
          { successes: b.successes * k, n: b.n * k },
        )!;
        expect(large.estimate).toBeCloseTo(small.estimate, 12);
        expect(large.high - large.low).toBeLessThan(small.high - small.low);
      }),
    );
  });
});
