import { EVENT_KINDS, type EventKind } from '../../src/domain/signals/event-kind.js';
import { DAY, HOUR, hourOfDayOf, MINUTE, trueOffsetMinutes, WEEK, weekdayOf } from './ground-truth.js';
import {
  geometric,
  integer,
  mulberry32,
  normal,
  poisson,
  type Random,
  streamSeed,
  uniform,
  weightedChoice,
} from './prng.js';

/** Behaviour types; every user has one. `typical` is the only one that is not a hard case. */
export const ARCHETYPES = [
  'typical',
  'evening',
  'nine_to_five',
  'night_owl',
  'weekend_only',
  'even_spread',
  'shift_change',
  'traveller',
] as const;
export type Archetype = (typeof ARCHETYPES)[number];

const ARCHETYPE_SHARES: readonly (readonly [Archetype, number])[] = [
  ['typical', 0.2],
  ['evening', 0.16],
  ['nine_to_five', 0.12],
  ['night_owl', 0.1],
  ['weekend_only', 0.09],
  ['even_spread', 0.1],
  ['shift_change', 0.11],
  ['traveller', 0.12],
];

export const ZONES: readonly (readonly [string, number])[] = [
  ['Europe/Berlin', 0.2],
  ['America/New_York', 0.17],
  ['Asia/Kolkata', 0.13],
  ['Asia/Tokyo', 0.1],
  ['America/Sao_Paulo', 0.1],
  ['Australia/Sydney', 0.08],
  ['Europe/London', 0.1],
  ['America/Los_Angeles', 0.12],
];

/** Share of users whose bot gives their zone; the others are the "no zone given" case. */
const ZONE_GIVEN_SHARE = 0.7;
/** Share of users who joined just before the split and have only one to three sessions in training. */
const HANDFUL_SHARE = 0.12;
/** Daily chance, per user, that the bot sends a proactive message at 14:00 UTC (the old system's campaign). */
const NUDGE_DAILY_CHANCE = 0.25;

export interface SimWindow {
  /** Start of training: users (but the handful-of-events ones) are active from here. */
  startMs: number;
  /** Train on events before, test on events from here on. */
  splitMs: number;
  endMs: number;
}

export interface SimUser {
  index: number;
  archetype: Archetype;
  /** Joined just before the split: a handful of events in training. */
  handful: boolean;
  /** Whether the bot tells the engine the user's zone (it then follows the user's moves). */
  zoneGiven: boolean;
  /** The zone the user lives in, from each instant on (two entries for a traveller). */
  zones: { fromMs: number; zone: string }[];
  /** When a shift worker's schedule changes or a traveller moves; null for the others. */
  changeAtMs: number | null;
  sessionsPerWeek: number;
  /**
   * The ground truth over the test weeks: the share of the user's sessions that start in each
   * local hour of the week (sums to 1), in their zone at the split. What a perfect model predicts.
   */
  truth: Float64Array;
  /** Every event (the user's and the bot's), in time order; `kinds` indexes EVENT_KINDS. */
  times: Float64Array;
  kinds: Uint8Array;
}

export function kindOf(u: SimUser, i: number): EventKind {
  return EVENT_KINDS[u.kinds[i]!]!;
}

export function zoneAt(u: SimUser, ms: number): string {
  let zone = u.zones[0]!.zone;
  for (const z of u.zones) if (z.fromMs <= ms) zone = z.zone;
  return zone;
}

/** Traits drawn once per user that shape their hours. */
interface Traits {
  archetype: Archetype;
  /** Moves every peak of the archetype by up to an hour and a quarter either way. */
  shift: number;
  /** How busy each weekday is, around 1. */
  dayWeight: number[];
  /** How much later (in hours) each weekday's peaks are: habits differ a little from day to day. */
  dayShift: number[];
}

/**
 * The ground truth: the user's rate of starting a session at local fractional hour `hour` of
 * weekday `day` (unnormalised), in phase 0 (before a change) or 1 (after).
 */
export function truthWeight(t: Traits, phase: 0 | 1, day: number, hour: number): number {
  const weekend = day >= 5;
  const x = (hour - t.dayShift[day]! + 24) % 24;
  const s = t.shift;
  const awake = (from: number, floor: number, night: number) => (x >= from ? floor : night);
  let w: number;
  switch (t.archetype) {
    case 'typical':
    case 'traveller':
      w =
        0.35 * bump(x, 8 + s, 1) +
        0.5 * bump(x, 12.75 + s, 1) +
        bump(x, 20.5 + s, 1.8) +
        awake(7, 0.04, 0.005);
      break;
    case 'evening':
      w = bump(x, 21 + s, 1.2) + 0.12 * bump(x, 13 + s, 1) + awake(7, 0.02, 0.003);
      break;
    case 'nine_to_five': {
      const start = 9 + 0.6 * s;
      const end = 17 + 0.6 * s;
      const office = x >= start && x < end ? 1 : x >= start - 1 && x < end + 1 ? 0.3 : 0;
      w = weekend ? 0.04 * (bump(x, 20, 2) + 0.2) : office + awake(7, 0.02, 0.002);
      break;
    }
    case 'night_owl':
      w = bump(x, 0.5 + s, 1.5) + 0.1 * bump(x, 15 + s, 2) + 0.01;
      break;
    case 'weekend_only':
      w = weekend ? bump(x, 15 + s, 3) + awake(9, 0.02, 0.002) : 0.03 * bump(x, 20 + s, 2);
      break;
    case 'even_spread':
      // the same rate at every hour from 08:00 to midnight (moved by the user's shift)
      w = (x - s + 24) % 24 >= 8 ? 1 : 0.03;
      break;
    case 'shift_change':
      // day shift (works 06-14, free in the evening), then night shift (works 22-06, up at noon)
      w = phase === 0 ? bump(x, 18.5 + s, 1.8) + 0.02 : bump(x, 11.5 + s, 1.6) + 0.02;
      break;
  }
  return w * t.dayWeight[day]!;
}

/** A circular Gaussian bump over the 24 hours of the day. */
function bump(x: number, center: number, width: number): number {
  const delta = (((x - center) % 24) + 24) % 24;
  const dist = Math.min(delta, 24 - delta);
  return Math.exp(-(dist * dist) / (2 * width * width));
}

export interface PopulationOptions {
  seed: number;
  users: number;
  window: SimWindow;
}

export function simulatePopulation(options: PopulationOptions): SimUser[] {
  return Array.from({ length: options.users }, (_, i) =>
    simulateUser(mulberry32(streamSeed(options.seed, i)), i, options.window),
  );
}

function simulateUser(rng: Random, index: number, window: SimWindow): SimUser {
  const archetype = weightedChoice(rng, ARCHETYPE_SHARES);
  const traits: Traits = {
    archetype,
    shift: uniform(rng, -1.25, 1.25),
    dayWeight: Array.from({ length: 7 }, () => uniform(rng, 0.7, 1.3)),
    // later at the weekend, and a random half hour either way on any day
    dayShift: Array.from({ length: 7 }, (_, d) => (d >= 5 ? 0.75 : 0) + uniform(rng, -0.5, 0.5)),
  };
  const home = weightedChoice(rng, ZONES);
  const zoneGiven = rng() < ZONE_GIVEN_SHARE;
  const handful = rng() < HANDFUL_SHARE;
  const sessionsPerWeek = Math.min(25, Math.max(1.5, 5 * Math.exp(0.5 * normal(rng))));
  const dayActiveChance = uniform(rng, 0.45, 0.9);
  const trainWeeks = (window.splitMs - window.startMs) / WEEK;

  const zones = [{ fromMs: window.startMs, zone: home }];
  let changeAtMs: number | null = null;
  if (archetype === 'shift_change') {
    changeAtMs = window.startMs + (trainWeeks / 2) * WEEK + uniform(rng, -2, 2) * DAY;
  } else if (archetype === 'traveller') {
    changeAtMs = window.startMs + uniform(rng, 0.5, 0.8) * trainWeeks * WEEK;
    const homeOffset = trueOffsetMinutes(home, window.splitMs);
    const far = ZONES.filter(([z]) => Math.abs(trueOffsetMinutes(z, window.splitMs) - homeOffset) >= 300);
    zones.push({ fromMs: changeAtMs, zone: weightedChoice(rng, far) });
  }

  // the week's total weight in each phase, so that sessionsPerWeek holds whatever the shape
  const norm = [0, 1].map((phase) => {
    let s = 0;
    for (let h = 0; h < 168; h++)
      s += truthWeight(traits, phase as 0 | 1, Math.floor(h / 24), (h % 24) + 0.5);
    return s;
  });

  const user: SimUser = {
    index,
    archetype,
    handful,
    zoneGiven,
    zones,
    changeAtMs,
    sessionsPerWeek,
    truth: testTruth(traits, archetype === 'shift_change' ? 1 : 0),
    times: new Float64Array(0),
    kinds: new Uint8Array(0),
  };

  // session starts: a Poisson process per UTC hour, at the rate of the local hour it falls in,
  // on days the user is around at all (bursty days: some days nothing, others more)
  const activeDay = new Map<number, boolean>();
  const starts: number[] = [];
  for (let t = window.startMs; t < window.endMs; t += HOUR) {
    const mid = t + HOUR / 2;
    const local = mid + trueOffsetMinutes(zoneAt(user, mid), mid) * MINUTE;
    const date = Math.floor(local / DAY);
    let active = activeDay.get(date);
    if (active === undefined) {
      active = rng() < dayActiveChance;
      activeDay.set(date, active);
    }
    if (!active) continue;
    const phase = changeAtMs !== null && archetype === 'shift_change' && mid >= changeAtMs ? 1 : 0;
    const rate =
      (sessionsPerWeek * truthWeight(traits, phase, weekdayOf(local), hourOfDayOf(local))) /
      norm[phase]! /
      dayActiveChance;
    const n = poisson(rng, rate);
    for (let k = 0; k < n; k++) starts.push(t + rng() * HOUR);
  }
  starts.sort((a, b) => a - b);

  let joinMs = window.startMs;
  if (handful) {
    const training = starts.filter((s) => s < window.splitMs);
    const keep = integer(rng, 1, 3);
    joinMs =
      training.length > 0
        ? training[Math.max(0, training.length - keep)]!
        : window.splitMs - uniform(rng, 1, 7) * DAY;
  }

  const events: { t: number; k: EventKind }[] = [];
  for (const s of starts) if (s >= joinMs) session(rng, s, events);
  for (let day = Math.ceil(joinMs / DAY) * DAY; day < window.endMs; day += DAY) {
    if (rng() < NUDGE_DAILY_CHANCE)
      events.push({ t: day + 14 * HOUR + rng() * 15 * MINUTE, k: 'message_out' });
  }
  const kept = events.filter((e) => e.t >= joinMs && e.t < window.endMs).sort((a, b) => a.t - b.t);
  user.times = Float64Array.from(kept, (e) => e.t);
  user.kinds = Uint8Array.from(kept, (e) => EVENT_KINDS.indexOf(e.k));
  return user;
}

/** The truth by local hour of the week, averaged over each hour (four points), normalised. */
function testTruth(traits: Traits, phase: 0 | 1): Float64Array {
  const out = new Float64Array(168);
  let total = 0;
  for (let h = 0; h < 168; h++) {
    for (const q of [0.125, 0.375, 0.625, 0.875])
      out[h]! += truthWeight(traits, phase, Math.floor(h / 24), (h % 24) + q);
    total += out[h]!;
  }
  for (let h = 0; h < 168; h++) out[h]! /= total;
  return out;
}

/** One conversation: the user opens it, writes a few messages, the bot answers each one. */
function session(rng: Random, start: number, out: { t: number; k: EventKind }[]): void {
  out.push({ t: start, k: 'session_start' });
  if (rng() < 0.1) out.push({ t: start + 1000, k: 'custom' });
  let t = start;
  const messages = 1 + geometric(rng, 0.35);
  for (let i = 0; i < messages; i++) {
    t += uniform(rng, 20, 240) * 1000;
    out.push({ t, k: 'message_in' });
    t += uniform(rng, 2, 30) * 1000;
    out.push({ t, k: 'message_out' });
    if (rng() < 0.15) out.push({ t: t + uniform(rng, 5, 60) * 1000, k: 'reaction' });
  }
  if (rng() < 0.04) out.push({ t: t + uniform(rng, 10, 120) * 1000, k: 'feedback' });
  out.push({ t: t + 5 * MINUTE, k: 'session_end' });
}
