import { HOURS_PER_WEEK } from './local-time.js';

export type ZoneSource = 'explicit' | 'inferred' | 'default';

export interface ZoneGuess {
  /** Hours to add to UTC, -12 to +14. */
  offsetHours: number;
  /** An IANA name for that fixed offset (`Etc/GMT-2` is UTC+2: the Etc names invert the sign). */
  zone: string;
  /** Posterior probability of this offset among all whole-hour offsets, in [0, 1]. */
  confidence: number;
}

/**
 * Raw event counts are not independent (a session brings several), so the likelihood is
 * tempered: without it a dozen events would claim near certainty.
 */
const TEMPERATURE = 0.1;

/**
 * Infers a user's UTC offset from the rhythm of their activity in UTC, by the offset that lines
 * it up best with the population's local-time profile. Whole hours only; a user who keeps
 * unusual hours can be mistaken for one in another zone, which the confidence reflects.
 */
export function inferZone(utcCounts: Float64Array, population: Float64Array): ZoneGuess | undefined {
  let total = 0;
  for (let i = 0; i < utcCounts.length; i++) total += utcCounts[i]!;
  if (total <= 0) return undefined;
  const logPop = population.map((p) => Math.log(Math.max(p, 1e-6)));
  const scores: { offset: number; ll: number }[] = [];
  for (let offset = -12; offset <= 14; offset++) {
    let ll = 0;
    for (let h = 0; h < HOURS_PER_WEEK; h++) {
      const c = utcCounts[h]!;
      if (c > 0) ll += c * logPop[(h + offset + HOURS_PER_WEEK) % HOURS_PER_WEEK]!;
    }
    scores.push({ offset, ll });
  }
  const best = scores.reduce((a, b) => (b.ll > a.ll ? b : a));
  let norm = 0;
  for (const s of scores) norm += Math.exp(TEMPERATURE * (s.ll - best.ll));
  return { offsetHours: best.offset, zone: fixedOffsetZone(best.offset), confidence: 1 / norm };
}

export function fixedOffsetZone(offsetHours: number): string {
  if (offsetHours === 0) return 'UTC';
  return `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
}

export interface ResolvedZone {
  zone: string;
  source: ZoneSource;
  /** 1 for a zone the bot gave; the inference's confidence; 0 for the default. */
  confidence: number;
}

/** The bot's zone if it gave one; else a confident inference; else the tenant's default. */
export function resolveZone(input: {
  explicit: string | null;
  inferred: ZoneGuess | null;
  defaultZone: string;
  minConfidence?: number;
}): ResolvedZone {
  if (input.explicit) return { zone: input.explicit, source: 'explicit', confidence: 1 };
  if (input.inferred && input.inferred.confidence >= (input.minConfidence ?? 0.6)) {
    return { zone: input.inferred.zone, source: 'inferred', confidence: input.inferred.confidence };
  }
  return { zone: input.defaultZone, source: 'default', confidence: 0 };
}
