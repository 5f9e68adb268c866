/**
 * The pure half of the send-time replay (`send-time.ts`): the instants at which a bot asks, the
 * comparators' picks, and whether a pick is followed by activity. Local time is the person's given
 * zone, through the engine's own `ZoneOffsets`, and "waking" is outside the same quiet hours the
 * engine is given, through the policy's own functions, so that the three picks share one window.
 */

import type { QuietHours } from '../../src/domain/policy/policy.js';
import { isQuietMinute, localMinuteOfDay } from '../../src/domain/policy/quiet-hours.js';
import type { ZoneOffsets } from '../../src/domain/shared/local-time.js';
import type { Random } from '../../src/domain/shared/random.js';

export const HOUR_MS = 3_600_000;
/** Tries before the waking draw gives up; a 24 h window always holds about 14 waking hours. */
const MAX_TRIES = 10_000;

/** `count` instants drawn uniformly in [fromMs, toMs), in whole seconds, in the order drawn. */
export function drawInstants(rng: Random, fromMs: number, toMs: number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor((fromMs + rng() * (toMs - fromMs)) / 1000) * 1000);
}

/** Whether the local time at `ms` is outside the quiet hours. */
export function isWaking(zone: ZoneOffsets, quiet: QuietHours, ms: number): boolean {
  return !isQuietMinute(localMinuteOfDay(zone, ms), quiet);
}

/**
 * An instant drawn uniformly among the waking instants of [fromMs, fromMs + windowMs): rejection
 * from a uniform draw over the window, which is exact whatever the window's shape (DST days).
 */
export function drawWakingInstant(
  rng: Random,
  zone: ZoneOffsets,
  quiet: QuietHours,
  fromMs: number,
  windowMs: number,
): number {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const ms = fromMs + Math.floor(rng() * windowMs);
    if (isWaking(zone, quiet, ms)) return ms;
  }
  throw new Error(`no waking instant in ${windowMs} ms from ${new Date(fromMs).toISOString()}`);
}

/**
 * The local hour of the day (0-23) at which most of `instantsMs` fall among those in waking
 * hours, the earliest on a tie; null when none is.
 */
export function mostCommonWakingHour(
  zone: ZoneOffsets,
  quiet: QuietHours,
  instantsMs: readonly number[],
): number | null {
  const counts = new Array<number>(24).fill(0);
  for (const ms of instantsMs) {
    if (isWaking(zone, quiet, ms)) counts[Math.floor(localMinuteOfDay(zone, ms) / 60)]!++;
  }
  const best = counts.indexOf(Math.max(...counts));
  return counts[best]! > 0 ? best : null;
}

/**
 * The first instant of [fromMs, fromMs + windowMs) whose local hour is `hour`: `fromMs` itself
 * inside that hour, else the start of its next occurrence, as the engine answers inside its first
 * hour; null when the window holds none (a day whose clock skips that hour).
 */
export function nextAtLocalHour(
  zone: ZoneOffsets,
  fromMs: number,
  windowMs: number,
  hour: number,
): number | null {
  for (let t = fromMs; t < fromMs + windowMs; t += zone.untilNextLocalHour(t)) {
    if (Math.floor(localMinuteOfDay(zone, t) / 60) === hour) return t;
  }
  return null;
}

/** Whether a sorted list of instants holds one in [fromMs, untilMs). */
export function hasInstantIn(sortedMs: readonly number[], fromMs: number, untilMs: number): boolean {
  let lo = 0;
  let hi = sortedMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedMs[mid]! < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return lo < sortedMs.length && sortedMs[lo]! < untilMs;
}
