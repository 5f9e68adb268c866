/**
 * One person's part of the send-time replay, pure: the instants at which the bot asks, with the
 * random and most-common-hour picks for each, drawn before the engine is asked anything; then the
 * person's hits once the engine's picks are in. A person's draws come from their own stream
 * (seeded by the run's seed and their id), so a subset (`--users N`) draws what the full run does.
 */
import type { QuietHours } from '../../src/domain/policy/policy.js';
import type { ZoneOffsets } from '../../src/domain/shared/local-time.js';
import { fnv1a, seededRandom } from '../../src/domain/shared/random.js';
import {
  drawInstants,
  drawWakingInstant,
  HOUR_MS,
  hasInstantIn,
  mostCommonWakingHour,
  nextAtLocalHour,
} from './send-time-picks.js';
import type { PersonScore } from './send-time-stats.js';

export const DAY_MS = 24 * HOUR_MS;
/** The engine is asked for the best time within this window after each instant. */
export const WINDOW_MS = DAY_MS;
/** A pick is a hit when the person is active within this long after it. */
export const HIT_MS = 2 * HOUR_MS;
/** Instants end this long before the last test event, so that every window and hit span is observed. */
export const TAIL_MS = WINDOW_MS + HIT_MS;
/** People whose span for instants is shorter than this are left out. */
export const MIN_SPAN_MS = 2 * DAY_MS;

export interface PlanOptions {
  seed: number;
  perUser: number;
  randomDraws: number;
  quiet: QuietHours;
}

export interface InstantPlan {
  atMs: number;
  /** `randomDraws` uniform waking instants of [at, at + 24 h). */
  random: number[];
  /** The first instant of [at, at + 24 h) at the person's most common waking train hour. */
  heuristic: number | null;
}

export interface PersonPlan {
  id: string;
  trainEvents: number;
  /** The person's test events, sorted: what a pick is scored against. */
  tests: readonly number[];
  instants: InstantPlan[];
}

/**
 * The person's plan, or null when their span for instants, [cutoff, last test event − 26 h), is
 * shorter than two days.
 */
export function planPerson(
  person: { id: string; trainMs: readonly number[]; cutoffMs: number },
  tests: readonly number[],
  zone: ZoneOffsets,
  options: PlanOptions,
): PersonPlan | null {
  const toMs = tests[tests.length - 1]! - TAIL_MS;
  if (toMs - person.cutoffMs < MIN_SPAN_MS) return null;
  const rng = seededRandom(fnv1a(person.id, options.seed));
  const hour = mostCommonWakingHour(zone, options.quiet, person.trainMs);
  const instants = drawInstants(rng, person.cutoffMs, toMs, options.perUser).map((atMs) => ({
    atMs,
    random: Array.from({ length: options.randomDraws }, () =>
      drawWakingInstant(rng, zone, options.quiet, atMs, WINDOW_MS),
    ),
    heuristic: hour === null ? null : nextAtLocalHour(zone, atMs, WINDOW_MS, hour),
  }));
  return { id: person.id, trainEvents: person.trainMs.length, tests, instants };
}

/** Whether the person was active in [pick, pick + 2 h); no pick is a miss. */
export function isHit(tests: readonly number[], pickMs: number | null): boolean {
  return pickMs !== null && hasInstantIn(tests, pickMs, pickMs + HIT_MS);
}

/** The person's hits, given the engine's pick for each of their instants (null: it had none). */
export function scorePerson(plan: PersonPlan, enginePicks: readonly (number | null)[]): PersonScore {
  const hits = { engine: 0, heuristic: 0, random: 0 };
  plan.instants.forEach((instant, i) => {
    if (isHit(plan.tests, enginePicks[i] ?? null)) hits.engine++;
    if (isHit(plan.tests, instant.heuristic)) hits.heuristic++;
    hits.random += instant.random.filter((ms) => isHit(plan.tests, ms)).length / instant.random.length;
  });
  return { id: plan.id, trainEvents: plan.trainEvents, instants: plan.instants.length, hits };
}
