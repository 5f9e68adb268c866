import { hourOfWeekAt } from '../../src/domain/shared/local-time.js';
import { isUserActivity } from '../../src/domain/signals/event-kind.js';
import { DAY, HOUR, MINUTE } from './ground-truth.js';
import { kindOf, type SimUser, type SimWindow } from './simulate.js';

/** A way of reading instants as hours of the week: a zone (the model's) or UTC (the baseline's). */
export interface Frame {
  offsetMinutes(ms: number): number;
}

export const UTC_FRAME: Frame = { offsetMinutes: () => 0 };

/** A user's test weeks, seen in one frame: what every metric needs, so parameters can be swept fast. */
export interface TestSummary {
  /** Test user events per hour of the week of the frame. */
  events: Float64Array;
  eventCount: number;
  /** Each whole frame day inside the test window on which the user did something. */
  activeDays: { weekday: number; activeHours: number }[];
  /** Whole frame hours inside the test window per hour of the week, and how many saw activity. */
  slots: Float64Array;
  activeSlots: Float64Array;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

export function summariseTest(u: SimUser, window: SimWindow, frame: Frame): TestSummary {
  const times: number[] = [];
  for (let i = 0; i < u.times.length; i++) {
    const t = u.times[i]!;
    if (t >= window.splitMs && t < window.endMs && isUserActivity(kindOf(u, i))) times.push(t);
  }
  const events = new Float64Array(168);
  for (const t of times) events[hourOfWeekAt(t + frame.offsetMinutes(t) * MINUTE)]! += 1;

  const slots = new Float64Array(168);
  const activeSlots = new Float64Array(168);
  const activeDays: TestSummary['activeDays'] = [];
  let day = null as { date: number; weekday: number; whole: boolean; activeHours: number } | null;
  const closeDay = () => {
    if (day?.whole && day.activeHours !== 0)
      activeDays.push({ weekday: day.weekday, activeHours: day.activeHours });
  };
  let next = 0;
  let start = window.splitMs + mod(-(window.splitMs + frame.offsetMinutes(window.splitMs) * MINUTE), HOUR);
  while (true) {
    const local = start + frame.offsetMinutes(start) * MINUTE;
    // offsets change by whole hours in every zone simulated, so a local hour stays an hour long
    const end = start + HOUR;
    if (end > window.endMs) break;
    const how = hourOfWeekAt(local);
    const date = Math.floor(local / DAY);
    if (day?.date !== date) {
      closeDay();
      day = { date, weekday: Math.floor(how / 24), whole: mod(local, DAY) === 0, activeHours: 0 };
    }
    while (next < times.length && times[next]! < start) next++;
    const active = next < times.length && times[next]! < end;
    slots[how]! += 1;
    if (active) {
      activeSlots[how]! += 1;
      day.activeHours |= 1 << (how % 24);
    }
    start = end;
  }
  // the last day counts only if the window ends at its midnight
  if (day && mod(start + frame.offsetMinutes(start) * MINUTE, DAY) !== 0) day.whole = false;
  closeDay();
  return { events, eventCount: times.length, activeDays, slots, activeSlots };
}

/**
 * The probability that the user is active in a clock hour whose hour of the week has probability
 * p: 1 - (1 - p)^k, as if the user's k active hours of a week were k draws from the system's
 * distribution. Neither system predicts how much a user will be active, only when, so k is set
 * per user and per system so that the expected number of active hours over the test weeks equals
 * the observed number: calibration in the large is given to both, and what is left to judge is
 * whether hours rated x% are active x% of the time.
 */
export function activityProbabilities(distribution: Float64Array, summary: TestSummary): Float64Array {
  let target = 0;
  for (let h = 0; h < 168; h++) target += summary.activeSlots[h]!;
  const out = new Float64Array(168);
  if (target === 0) return out;
  const logStay = distribution.map((p) => Math.log1p(-p));
  // f(k) = expected active hours - target is increasing and concave in k: Newton's method from
  // k = 0 stays below the root and converges to it
  let k = 0;
  for (let i = 0; i < 100; i++) {
    let f = -target;
    let slope = 0;
    for (let h = 0; h < 168; h++) {
      const stay = Math.exp(k * logStay[h]!);
      f += summary.slots[h]! * (1 - stay);
      slope -= summary.slots[h]! * logStay[h]! * stay;
    }
    const step = -f / slope;
    k += step;
    if (step < 1e-9 * k) break;
  }
  for (let h = 0; h < 168; h++) out[h] = 1 - Math.exp(k * logStay[h]!);
  return out;
}

/** Upper edges of the calibration bins of the predicted probability of activity in an hour. */
export const CALIBRATION_BINS = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 1];

/** Sums from which every reported figure is a ratio, so users and cases add up. */
export class Tally {
  logLik = 0;
  events = 0;
  hits = 0;
  days = 0;
  brier = 0;
  slots = 0;
  binSlots = new Float64Array(CALIBRATION_BINS.length);
  binPredicted = new Float64Array(CALIBRATION_BINS.length);
  binActive = new Float64Array(CALIBRATION_BINS.length);
  goodSlots = 0;
  goodActive = 0;
  activeSlots = 0;
  users = 0;

  add(o: Tally): void {
    this.logLik += o.logLik;
    this.events += o.events;
    this.hits += o.hits;
    this.days += o.days;
    this.brier += o.brier;
    this.slots += o.slots;
    for (let b = 0; b < CALIBRATION_BINS.length; b++) {
      this.binSlots[b]! += o.binSlots[b]!;
      this.binPredicted[b]! += o.binPredicted[b]!;
      this.binActive[b]! += o.binActive[b]!;
    }
    this.goodSlots += o.goodSlots;
    this.goodActive += o.goodActive;
    this.activeSlots += o.activeSlots;
    this.users += o.users;
  }

  get meanLogLik(): number {
    return this.logLik / this.events;
  }
  get hitAt3(): number {
    return this.hits / this.days;
  }
  get brierScore(): number {
    return this.brier / this.slots;
  }
  /** Expected calibration error: the slot-weighted mean gap between predicted and observed rate per bin. */
  get ece(): number {
    let gap = 0;
    for (let b = 0; b < CALIBRATION_BINS.length; b++) {
      gap += Math.abs(this.binPredicted[b]! - this.binActive[b]!);
    }
    return gap / this.slots;
  }
  /** Of the hours judged good, the share in which the user was active. */
  get goodPrecision(): number {
    return this.goodActive / this.goodSlots;
  }
  /** Of the hours the user was active in, the share judged good. */
  get goodRecall(): number {
    return this.goodActive / this.activeSlots;
  }
  get goodShare(): number {
    return this.goodSlots / this.slots;
  }
}

/**
 * Scores one system on one user's test weeks.
 *
 * - `distribution`: its probability of each hour of the week of its frame (sums to 1);
 * - `ranking`: what it ranks a day's hours by (ties are broken uniformly at random, and hit@3 is
 *   the exact expectation over that draw);
 * - `good`: its binary good-time judgement per hour of the week.
 */
export function scoreUser(
  summary: TestSummary,
  system: { distribution: Float64Array; ranking: Float64Array; good: (h: number) => boolean },
): Tally {
  const t = new Tally();
  t.users = 1;
  const active = activityProbabilities(system.distribution, summary);
  for (let h = 0; h < 168; h++) {
    const p = system.distribution[h]!;
    if (summary.events[h]! > 0) t.logLik += summary.events[h]! * Math.log(p);
    const q = active[h]!;
    const n = summary.slots[h]!;
    const a = summary.activeSlots[h]!;
    t.brier += n * q * q - 2 * q * a + a;
    const bin = CALIBRATION_BINS.findIndex((edge) => q <= edge);
    t.binSlots[bin]! += n;
    t.binPredicted[bin]! += n * q;
    t.binActive[bin]! += a;
    if (system.good(h)) {
      t.goodSlots += n;
      t.goodActive += a;
    }
    t.activeSlots += a;
    t.slots += n;
  }
  t.events = summary.eventCount;
  for (const d of summary.activeDays) {
    t.hits += expectedHitAt3(system.ranking.subarray(d.weekday * 24, d.weekday * 24 + 24), d.activeHours);
    t.days += 1;
  }
  return t;
}

/**
 * The chance that the 3 highest-ranked hours of a day include an active one (`active` is a
 * bitmask of the day's hours), when ties are broken uniformly at random: hours strictly above
 * the cut are taken; of the tied group at the cut, k of its m hours are drawn, and miss only if
 * all k are among its m - a inactive hours.
 */
export function expectedHitAt3(values: Float64Array, active: number): number {
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!);
  let left = 3;
  let i = 0;
  while (left > 0 && i < order.length) {
    const v = values[order[i]!]!;
    let j = i;
    let activeInGroup = 0;
    while (j < order.length && values[order[j]!]! === v) {
      if (active & (1 << order[j]!)) activeInGroup++;
      j++;
    }
    const m = j - i;
    if (m <= left) {
      if (activeInGroup > 0) return 1;
      left -= m;
    } else {
      // P(all k drawn from the m - a inactive ones) = C(m - a, k) / C(m, k)
      let miss = 1;
      for (let r = 0; r < left; r++) miss *= (m - activeInGroup - r) / (m - r);
      return 1 - Math.max(0, miss);
    }
    i = j;
  }
  return 0;
}
