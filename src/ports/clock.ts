/** The source of "now" for everything outside src/domain; tests pass a FakeClock. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
