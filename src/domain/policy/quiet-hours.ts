import type { ZoneOffsets } from '../shared/local-time.js';
import type { QuietHours } from './policy.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Whether local minute-of-day `minute` falls in the window; an empty window (start = end) never does. */
export function isQuietMinute(minute: number, quiet: QuietHours): boolean {
  const { startMinute: start, endMinute: end } = quiet;
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Minutes after local midnight at the instant `ms`. */
export function localMinuteOfDay(zone: ZoneOffsets, ms: number): number {
  return Math.floor(mod(zone.toLocal(ms), DAY) / MINUTE);
}

/**
 * The first instant at or after `ms` outside the user's quiet hours: `ms` itself when it is
 * outside, else the next time the local clock reads the window's end (DST-correct).
 */
export function quietHoursEnd(zone: ZoneOffsets, ms: number, quiet: QuietHours): number {
  if (!isQuietMinute(localMinuteOfDay(zone, ms), quiet)) return ms;
  const local = zone.toLocal(ms);
  let end = local - mod(local, DAY) + quiet.endMinute * MINUTE;
  if (end <= local) end += DAY;
  return Math.max(ms, zone.toUtc(end));
}

/** "22:00-08:00". */
export function describeQuietHours(quiet: QuietHours): string {
  return `${clock(quiet.startMinute)}-${clock(quiet.endMinute)}`;
}

export function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** `a` modulo `n` in [0, n). Not `%`, which V8 computes with a call on numbers beyond 32 bits (instants). */
function mod(a: number, n: number): number {
  return a - Math.floor(a / n) * n;
}
