import { localDay } from '../policy/frequency-cap.js';
import type { ZoneCache, ZoneOffsets } from '../shared/local-time.js';
import { type Schedule, scheduleOf } from '../triggers/schedule.js';
import type { Trigger } from '../triggers/trigger.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * One reason to speak, from one trigger: a schedule's occurrence, an event, a webhook call, a
 * silence period. `key` names its window; at most one message is made per (user, character,
 * trigger, key), which the database enforces.
 */
export interface Occasion {
  readonly triggerId: string;
  readonly key: string;
  /** When it became due. */
  atMs: number;
  /** After this it is not worth sending. */
  expiresAtMs: number;
}

/** What the condition triggers read from the pair's state. */
interface ConditionInputs {
  /** Last message either way between the user and the character. */
  lastContactAtMs: number | null;
  zone: ZoneOffsets;
  /** The user's score of the current local hour, from the activity model; null without one. */
  activityScore: number | null;
  /** Offsets of named zones, for schedules in a zone of their own. */
  zones: Pick<ZoneCache, 'get'>;
}

/**
 * The occasion a trigger that fires by itself (`silence`, `active_now`, `schedule`) has at
 * `nowMs`, or null. A silence period is keyed by the contact it follows, so one silence gives at
 * most one message; being active is keyed by the local day; a schedule by its latest occurrence
 * that has not expired and came after the trigger was created or enabled. A condition holds as long as it holds, so the expiry of what it produces
 * runs from `nowMs`; an occurrence expires from when it was due.
 */
export function conditionOccasion(trigger: Trigger, state: ConditionInputs, nowMs: number): Occasion | null {
  const spec = trigger.spec;
  const expiry = trigger.expiryMinutes * MINUTE;
  if (spec.kind === 'silence') {
    if (state.lastContactAtMs === null) return null;
    const atMs = state.lastContactAtMs + spec.afterHours * HOUR;
    if (atMs > nowMs) return null;
    // the silence holds until the next contact, so its expiry runs from now: a trigger enabled
    // (or proactivity allowed) after users fell silent still reaches them, once per silence
    return new ConditionOccasion(trigger.id, 'silence', state.lastContactAtMs, atMs, nowMs + expiry);
  }
  if (spec.kind === 'active_now') {
    if (state.activityScore === null || state.activityScore < spec.minScore) return null;
    return new ConditionOccasion(trigger.id, 'active', localDay(state.zone, nowMs), nowMs, nowMs + expiry);
  }
  if (spec.kind === 'schedule' || spec.kind === 'llm') {
    const zone = spec.zone.kind === 'user' ? state.zone : state.zones.get(spec.zone.zone);
    // an occurrence from before the trigger was created or enabled is not its to send; one at
    // that very instant is (the window is open at its start)
    const sinceMs = Math.max(nowMs - expiry, trigger.enabledAtMs - 1);
    const atMs = latestOccurrence(scheduleOf(spec.rule), zone, sinceMs, nowMs);
    if (atMs === null) return null;
    return new ConditionOccasion(trigger.id, 'at', atMs, atMs, atMs + expiry);
  }
  return null;
}

/**
 * An occasion of a condition trigger, whose key is spelt out only when read: `decide` makes one
 * for every condition that holds and keeps at most one, and formatting the numbers into strings
 * took a tenth of its time (bench/decide.mjs).
 */
class ConditionOccasion implements Occasion {
  constructor(
    readonly triggerId: string,
    private readonly prefix: string,
    private readonly window: number,
    readonly atMs: number,
    readonly expiresAtMs: number,
  ) {}

  get key(): string {
    return `${this.prefix}:${this.window}`;
  }

  toJSON(): Occasion {
    return { triggerId: this.triggerId, key: this.key, atMs: this.atMs, expiresAtMs: this.expiresAtMs };
  }
}

/** A `latestIn` answer and the windows (since, at] it holds for: `sinceMs <= since < firstMs`, `atMs <= at < nextMs`. */
interface LatestAnswer {
  sinceMs: number;
  firstMs: number;
  atMs: number;
  nextMs: number;
  latest: number | null;
}

const latestAnswers = new WeakMap<Schedule, Map<ZoneOffsets, LatestAnswer>>();

/**
 * `schedule.latestIn(zone, sinceMs, atMs)` from a cache per (schedule, zone). `latestIn` caches
 * only its first step, so every decision asked croner for the occurrence after the latest one
 * (70% of the time of bench/decide.mjs). The answer is the same while the window's start stays
 * before the first occurrence after it and its end before the next occurrence, which in a sweep
 * holds for every user in the zone until the window crosses an occurrence.
 */
function latestOccurrence(schedule: Schedule, zone: ZoneOffsets, sinceMs: number, atMs: number) {
  let answers = latestAnswers.get(schedule);
  if (!answers) {
    answers = new Map();
    latestAnswers.set(schedule, answers);
  }
  const hit = answers.get(zone);
  if (hit && sinceMs >= hit.sinceMs && sinceMs < hit.firstMs && atMs >= hit.atMs && atMs < hit.nextMs)
    return hit.latest;
  const latest = schedule.latestIn(zone, sinceMs, atMs);
  const firstMs = schedule.nextAfterCached(zone, sinceMs, 'since') ?? Number.POSITIVE_INFINITY;
  // with no occurrence in the window the first one after its start is also the next after its end
  const nextMs = latest === null ? firstMs : (schedule.nextAfter(zone, latest) ?? Number.POSITIVE_INFINITY);
  // nextMs <= atMs: latestIn gave up before the end of the window (its step limit); do not cache that
  if (nextMs > atMs) answers.set(zone, { sinceMs, firstMs, atMs, nextMs, latest });
  return latest;
}
