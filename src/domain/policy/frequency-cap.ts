import type { ZoneOffsets } from '../shared/local-time.js';
import type { Caps } from './policy.js';

const DAY = 86_400_000;

/** A proactive message already decided for the user: what the caps, gaps and cooldowns count. */
export interface ProactiveAct {
  atMs: number;
  characterId: string;
  triggerId: string;
}

/** The user's local day number (days since 1970-01-01 on their wall clock) of an instant. */
export function localDay(zone: ZoneOffsets, ms: number): number {
  return Math.floor(zone.toLocal(ms) / DAY);
}

/** The local week (Monday to Sunday) of a local day number; 1970-01-01 was a Thursday. */
function weekOf(day: number): number {
  return Math.floor((day + 3) / 7);
}

interface CapCheck {
  /** Acts counted in the local day and week of the instant. */
  today: number;
  thisWeek: number;
  /** When the cap is reached: the start of the local day or week at which it allows again. */
  blockedUntilMs: number | null;
  limit: 'per_day' | 'per_week' | null;
}

/**
 * Counts `acts` in the user's local day and week of `ms` against `caps`. A full day allows again
 * at the next local midnight, a full week on the next local Monday (both DST-correct).
 */
export function checkCaps(
  zone: ZoneOffsets,
  ms: number,
  acts: readonly ProactiveAct[],
  caps: Caps,
): CapCheck {
  return checkCapsOnDays(zone, ms, actDays(zone, acts), caps);
}

/** The local day of each act, with its instant: what the caps count, computed once per decision. */
export function actDays(zone: ZoneOffsets, acts: readonly ProactiveAct[]): ActDay[] {
  return acts.map((a) => ({
    atMs: a.atMs,
    characterId: a.characterId,
    triggerId: a.triggerId,
    day: localDay(zone, a.atMs),
  }));
}

export interface ActDay extends ProactiveAct {
  day: number;
}

/** `checkCaps` over acts whose local days are already known. */
export function checkCapsOnDays(
  zone: ZoneOffsets,
  ms: number,
  acts: readonly ActDay[],
  caps: Caps,
): CapCheck {
  const day = localDay(zone, ms);
  const today = countActs(acts, ms, day, false);
  const thisWeek = countActs(acts, ms, day, true);
  if (caps.perWeek !== null && thisWeek >= caps.perWeek)
    return { today, thisWeek, blockedUntilMs: nextWeekStart(zone, day), limit: 'per_week' };
  if (caps.perDay !== null && today >= caps.perDay)
    return { today, thisWeek, blockedUntilMs: zone.toUtc((day + 1) * DAY), limit: 'per_day' };
  return { today, thisWeek, blockedUntilMs: null, limit: null };
}

/**
 * `checkCapsOnDays(...).blockedUntilMs` without the counts: what `decide` asks at every instant it
 * tries, so it builds no object and counts only under the caps that are set.
 */
export function capsBlockedUntil(
  zone: ZoneOffsets,
  ms: number,
  acts: readonly ActDay[],
  caps: Caps,
): number | null {
  const day = localDay(zone, ms);
  if (caps.perWeek !== null && countActs(acts, ms, day, true) >= caps.perWeek)
    return nextWeekStart(zone, day);
  if (caps.perDay !== null && countActs(acts, ms, day, false) >= caps.perDay)
    return zone.toUtc((day + 1) * DAY);
  return null;
}

/** Acts up to `ms` on the local day `day`, or in its week. */
function countActs(acts: readonly ActDay[], ms: number, day: number, wholeWeek: boolean): number {
  const week = weekOf(day);
  let n = 0;
  for (const act of acts) if (act.atMs <= ms && (wholeWeek ? weekOf(act.day) === week : act.day === day)) n++;
  return n;
}

/** The instant the local week after the one of `day` starts (Monday 00:00). */
function nextWeekStart(zone: ZoneOffsets, day: number): number {
  const monday = weekOf(day) * 7 - 3;
  return zone.toUtc((monday + 7) * DAY);
}
