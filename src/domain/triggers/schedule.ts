import { Cron } from 'croner';
import type { ZoneOffsets } from '../shared/local-time.js';

const MINUTE = 60_000;

/** When a schedule fires: a cron expression, or a fixed step from a first local wall-clock time. */
export type ScheduleRule =
  | { cron: string }
  /** `startsAtLocalMs`: the first occurrence as a local wall-clock time (ms since 1970 read locally). */
  | { everyMinutes: number; startsAtLocalMs: number };

/**
 * A compiled schedule. Cron fields are matched on the local wall clock of the zone it is asked
 * about (croner runs at UTC offset 0 on local times; `ZoneOffsets` turns them into instants), so
 * 09:00 stays 09:00 across DST, a 02:30 skipped by the clock fires at 03:00, and a repeated hour
 * fires once. Day-of-month and day-of-week follow cron (either matches when both are set; 0 and
 * 7 are Sunday); a 31st skips the months without one.
 */
export class Schedule {
  readonly #cron: Cron | null;
  readonly #cache = new OccurrenceCache();

  constructor(readonly rule: ScheduleRule) {
    this.#cron = 'cron' in rule ? new Cron(rule.cron, { utcOffset: 0, paused: true }) : null;
  }

  /** The first occurrence strictly after `afterMs` in `zone`, or null if there is none. */
  nextAfter(zone: ZoneOffsets, afterMs: number): number | null {
    let local = zone.toLocal(afterMs);
    for (let tries = 0; tries < 4; tries++) {
      const next = this.#nextLocal(local);
      if (next === null) return null;
      const at = zone.toUtc(next);
      if (at > afterMs) return at;
      local = next;
    }
    return null;
  }

  /**
   * `nextAfter` answered from a cache per zone and `slot`: a sweep over a million users in a few
   * zones computes each occurrence a few times, not once per user. Callers that ask about
   * different instants (the start of a window, now) use different slots so as not to evict each other.
   */
  nextAfterCached(zone: ZoneOffsets, afterMs: number, slot = ''): number | null {
    return this.#cache.nextAfter(slot, this, zone, afterMs);
  }

  /** The last occurrence at or before `atMs` and after `sinceMs`, or null. */
  latestIn(zone: ZoneOffsets, sinceMs: number, atMs: number): number | null {
    let latest: number | null = null;
    let t = sinceMs;
    for (let n = 0; n < 10_000; n++) {
      const next = n === 0 ? this.nextAfterCached(zone, t, 'since') : this.nextAfter(zone, t);
      if (next === null || next > atMs) return latest;
      latest = next;
      t = next;
    }
    return latest;
  }

  #nextLocal(localMs: number): number | null {
    if (this.#cron) return this.#cron.nextRun(new Date(localMs))?.getTime() ?? null;
    const { everyMinutes, startsAtLocalMs } = this.rule as { everyMinutes: number; startsAtLocalMs: number };
    const step = everyMinutes * MINUTE;
    if (localMs < startsAtLocalMs) return startsAtLocalMs;
    return startsAtLocalMs + (Math.floor((localMs - startsAtLocalMs) / step) + 1) * step;
  }
}

/** The reason a cron expression is refused, or null when croner accepts it. */
export function cronProblem(expression: string): string | null {
  try {
    new Cron(expression, { utcOffset: 0, paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Next occurrences shared by every user in a zone: the answer for one instant holds until the
 * occurrence itself, so a sweep over a million users computes each (schedule, zone) a few times.
 */
export class OccurrenceCache {
  readonly #entries = new Map<string, { fromMs: number; nextMs: number | null }>();

  nextAfter(key: string, schedule: Schedule, zone: ZoneOffsets, afterMs: number): number | null {
    const id = `${key}\u0000${zone.zone}`;
    const hit = this.#entries.get(id);
    if (hit && afterMs >= hit.fromMs && (hit.nextMs === null || afterMs < hit.nextMs)) return hit.nextMs;
    const nextMs = schedule.nextAfter(zone, afterMs);
    this.#entries.set(id, { fromMs: afterMs, nextMs });
    return nextMs;
  }
}

const compiled = new WeakMap<ScheduleRule, Schedule>();

/** The compiled schedule of a rule, built once per rule object (a trigger's spec). */
export function scheduleOf(rule: ScheduleRule): Schedule {
  let schedule = compiled.get(rule);
  if (!schedule) {
    schedule = new Schedule(rule);
    compiled.set(rule, schedule);
  }
  return schedule;
}
