import type { QuietHours } from '../policy/policy.js';
import { quietHoursEnd } from '../policy/quiet-hours.js';
import { describeHourOfWeek, type ZoneOffsets } from '../shared/local-time.js';

/** Scores at or above this share of the user's best hour count as a good time. */
export const GOOD_SCORE = 0.5;

export interface Assessment {
  good: boolean;
  /** The hour's probability relative to the user's most active hour, in [0, 1]. */
  score: number;
  probability: number;
  hourOfWeek: number;
  reason: string;
}

interface RankedHour {
  hourOfWeek: number;
  day: string;
  hour: number;
  probability: number;
}

/** Whether the local hour `hourOfWeek` is a good time to speak to this user, and why. */
export function assessHour(distribution: Float64Array, hourOfWeek: number, confidence: number): Assessment {
  const best = mostLikelyHour(distribution);
  const probability = distribution[hourOfWeek]!;
  const score = best.probability > 0 ? probability / best.probability : 0;
  const good = score >= GOOD_SCORE;
  const { day, hour } = describeHourOfWeek(hourOfWeek);
  const when = `${day} ${pad(hour)}:00`;
  const basis = confidence < 0.3 ? "; little evidence yet, so mostly the population's hours" : '';
  const reason = good
    ? `${when} local is one of this user's active hours (score ${score.toFixed(2)})${basis}`
    : `${when} local is a quiet hour for this user (score ${score.toFixed(2)}; most active: ${best.day} ${pad(best.hour)}:00)${basis}`;
  return { good, score, probability, hourOfWeek, reason };
}

/** The most likely local hour (the earliest on a tie), found in one scan. */
function mostLikelyHour(distribution: Float64Array): RankedHour {
  let hourOfWeek = 0;
  for (let h = 1; h < distribution.length; h++)
    if (distribution[h]! > distribution[hourOfWeek]!) hourOfWeek = h;
  return { hourOfWeek, ...describeHourOfWeek(hourOfWeek), probability: distribution[hourOfWeek]! };
}

/** The `n` most likely local hours of the week, most likely first. */
export function bestHours(distribution: Float64Array, n: number): RankedHour[] {
  return Array.from(distribution, (probability, hourOfWeek) => ({ hourOfWeek, probability }))
    .sort((a, b) => b.probability - a.probability || a.hourOfWeek - b.hourOfWeek)
    .slice(0, n)
    .map(({ hourOfWeek, probability }) => ({ hourOfWeek, ...describeHourOfWeek(hourOfWeek), probability }));
}

/**
 * The best instant in [afterMs, afterMs + withinMs] outside the user's quiet hours: the start of
 * the local hour with the highest score (or `afterMs` itself inside the first hour, or the end of
 * quiet hours), the earliest on a tie; null when quiet hours cover the whole window. Walks local
 * hour boundaries, so half-hour zones and DST days are handled.
 */
export function nextGoodTime(
  distribution: Float64Array,
  zone: ZoneOffsets,
  afterMs: number,
  withinMs: number,
  quiet: QuietHours | null = null,
): { atMs: number; score: number; hourOfWeek: number } | null {
  const best = Math.max(...distribution);
  let chosen: { atMs: number; score: number; hourOfWeek: number } | null = null;
  for (let t = afterMs; t <= afterMs + withinMs; t += zone.untilNextLocalHour(t)) {
    if (quiet) {
      const free = quietHoursEnd(zone, t, quiet);
      if (free > t) {
        t = free;
        if (t > afterMs + withinMs) break;
      }
    }
    const h = zone.hourOfWeek(t);
    const score = best > 0 ? distribution[h]! / best : 0;
    if (chosen === null || score > chosen.score) chosen = { atMs: t, score, hourOfWeek: h };
  }
  return chosen;
}

/** The distribution as 7 rows (Monday to Sunday) of 24 local hours. */
export function heatmapOf(distribution: Float64Array): number[][] {
  return Array.from({ length: 7 }, (_, d) => Array.from(distribution.subarray(d * 24, d * 24 + 24)));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
