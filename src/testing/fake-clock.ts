import type { Clock } from '../ports/clock.js';

/**
 * A clock that moves only when told to, for tests: `new FakeClock('2026-03-29T00:30:00Z')`,
 * then `clock.advance({ hours: 2 })`.
 */
export class FakeClock implements Clock {
  #now: number;

  constructor(start: Date | string | number = '2026-01-05T09:00:00Z') {
    this.#now = new Date(start).getTime();
    if (Number.isNaN(this.#now)) throw new Error(`FakeClock: not a date: ${String(start)}`);
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(at: Date | string | number): void {
    this.#now = new Date(at).getTime();
  }

  advance(by: { ms?: number; seconds?: number; minutes?: number; hours?: number; days?: number }): Date {
    this.#now +=
      (by.ms ?? 0) +
      (by.seconds ?? 0) * 1000 +
      (by.minutes ?? 0) * 60_000 +
      (by.hours ?? 0) * 3_600_000 +
      (by.days ?? 0) * 86_400_000;
    return this.now();
  }
}
