import { HOURS_PER_WEEK, type ZoneCache } from '../shared/local-time.js';

export type ZoneSource = 'explicit' | 'inferred' | 'default';

export interface ZoneGuess {
  /** Minutes to add to UTC at the instant of the inference. */
  offsetMinutes: number;
  /**
   * The zone: the tenant's most common given zone with that offset (so that its DST rules
   * apply), else an IANA fixed-offset name (`Etc/GMT-2` is UTC+2: the Etc names invert the sign).
   */
  zone: string;
  /** Posterior probability of this offset, in [0, 1]. */
  confidence: number;
}

/** A zone that users of the tenant were given, with its offset now and how many users have it. */
interface ZoneCandidate {
  zone: string;
  offsetMinutes: number;
  users: number;
}

/**
 * Tuned on the validation split (eval/activity/tune-zones.ts, docs/EVALUATION.md). Counts are
 * visit-weighted but a user's visits still cluster (bursty days), so the likelihood is tempered:
 * without it a dozen visits would claim near certainty.
 */
export const ZONE_INFERENCE = {
  temperature: 0.35,
  /** Prior weight, in users, of the whole-hour offsets no user of the tenant has been given. */
  unseenUsers: 4,
  /**
   * Share of users whose rhythm runs 1 to 6 hours earlier or later than the population's (night
   * owls, early risers), spread evenly over those shifts. Without it, a rhythm that fits the
   * population only at an unusual offset is taken as proof of that offset. It cannot make a night
   * owl distinguishable from an ordinary user a few zones west: the rhythm alone cannot.
   */
  shiftedShare: 0.2,
  /**
   * Below this the tenant's default zone is used instead. A wrong zone that looks trustworthy is
   * worse than the default, so the threshold was chosen to place at most 2% of users wrongly.
   */
  minConfidence: 0.7,
  /**
   * How often an event's timestamp carries the user's own offset (`OffsetEvidence`): the rest are
   * clocks set to another zone, or a trip. Each stamped event weighs as one observation of it.
   */
  stampAccuracy: 0.9,
};

const WHOLE_HOURS = Array.from({ length: 27 }, (_, i) => i - 12);
const SHIFTS = Array.from({ length: 13 }, (_, i) => i - 6);

function logSumExp(xs: readonly number[]): number {
  const max = Math.max(...xs);
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/**
 * Infers a user's zone from the rhythm of their activity in UTC: for every candidate offset, how
 * well the rhythm lines up with the tenant population's local-time profile, weighed by how many
 * of the tenant's users live at that offset (the zones the bot gave them). Every whole-hour
 * offset stays possible, with the prior weight of `unseenUsers`; half-hour offsets are possible
 * where a given zone has one. A user who keeps unusual hours can still be taken for one in another
 * zone, which the confidence reflects.
 */
export function inferZone(
  utcCounts: Float64Array,
  population: Float64Array,
  known: readonly ZoneCandidate[] = [],
  settings = ZONE_INFERENCE,
  stamps: ReadonlyMap<number, number> = new Map(),
): ZoneGuess | undefined {
  let total = 0;
  for (let i = 0; i < utcCounts.length; i++) total += utcCounts[i]!;
  if (total <= 0) return undefined;

  const byOffset = new Map<number, { prior: number; zone: string; users: number }>();
  for (const hours of WHOLE_HOURS)
    byOffset.set(hours * 60, {
      prior: settings.unseenUsers / WHOLE_HOURS.length,
      zone: fixedOffsetZone(hours * 60),
      users: 0,
    });
  for (const c of known) {
    if (c.users <= 0) continue;
    const group = byOffset.get(c.offsetMinutes) ?? { prior: 0, zone: c.zone, users: 0 };
    group.prior += c.users;
    if (c.users > group.users) {
      group.zone = c.zone;
      group.users = c.users;
    }
    byOffset.set(c.offsetMinutes, group);
  }
  // an offset the timestamps carry is possible even where no whole hour or given zone is
  for (const minutes of stamps.keys())
    if (!byOffset.has(minutes))
      byOffset.set(minutes, {
        prior: settings.unseenUsers / WHOLE_HOURS.length,
        zone: fixedOffsetZone(minutes),
        users: 0,
      });
  const stampLogLikelihood = (offsetMinutes: number) => {
    if (stamps.size === 0) return 0;
    const hit = Math.log(settings.stampAccuracy);
    const miss = Math.log((1 - settings.stampAccuracy) / Math.max(1, byOffset.size - 1));
    let ll = 0;
    for (const [minutes, weight] of stamps) ll += weight * (minutes === offsetMinutes ? hit : miss);
    return ll;
  };

  // the rhythm fixes the sum of the zone's offset and the user's shift from the population
  const memo = new Map<number, number>();
  const tempered = (rotation: number) => {
    let ll = memo.get(rotation);
    if (ll === undefined) {
      ll = settings.temperature * logLikelihood(utcCounts, population, rotation);
      memo.set(rotation, ll);
    }
    return ll;
  };
  const shifts = SHIFTS.map((hours) => ({
    minutes: hours * 60,
    logPrior: Math.log(hours === 0 ? 1 - settings.shiftedShare : settings.shiftedShare / (SHIFTS.length - 1)),
  })).filter((sh) => Number.isFinite(sh.logPrior));
  const scored = [...byOffset].map(([offsetMinutes, g]) => ({
    offsetMinutes,
    zone: g.zone,
    score:
      Math.log(g.prior) +
      stampLogLikelihood(offsetMinutes) +
      logSumExp(shifts.map((sh) => sh.logPrior + tempered(offsetMinutes + sh.minutes))),
  }));
  const best = scored.reduce((a, b) => (b.score > a.score ? b : a));
  let norm = 0;
  for (const s of scored) norm += Math.exp(s.score - best.score);
  return { offsetMinutes: best.offsetMinutes, zone: best.zone, confidence: 1 / norm };
}

/** Log-likelihood of UTC counts under the population profile moved to local time at an offset. */
function logLikelihood(utcCounts: Float64Array, population: Float64Array, offsetMinutes: number): number {
  const hours = Math.floor(offsetMinutes / 60);
  const frac = offsetMinutes / 60 - hours;
  let ll = 0;
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    const c = utcCounts[h]!;
    if (c <= 0) continue;
    const at = (h + hours + 2 * HOURS_PER_WEEK) % HOURS_PER_WEEK;
    // a half-hour offset straddles two local hours
    const p = (1 - frac) * population[at]! + frac * population[(at + 1) % HOURS_PER_WEEK]!;
    ll += c * Math.log(Math.max(p, 1e-6));
  }
  return ll;
}

/**
 * Zones at the offsets that are not whole hours, for a user whose timestamps carry one that no
 * user of the tenant was given: the zone most people at that offset live in (at the season the
 * offset belongs to, for zones with summer time).
 */
const PART_HOUR_ZONES = new Map<number, string>([
  [-570, 'Pacific/Marquesas'],
  [-210, 'America/St_Johns'],
  [-150, 'America/St_Johns'],
  [210, 'Asia/Tehran'],
  [270, 'Asia/Kabul'],
  [330, 'Asia/Kolkata'],
  [345, 'Asia/Kathmandu'],
  [390, 'Asia/Yangon'],
  [525, 'Australia/Eucla'],
  [570, 'Australia/Darwin'],
  [630, 'Australia/Adelaide'],
  [765, 'Pacific/Chatham'],
  [825, 'Pacific/Chatham'],
]);

/**
 * An IANA name for a fixed offset: whole hours as `Etc/GMT∓h`, the usual offsets that are not
 * whole hours as the zone most people there live in, others at the nearest hour.
 */
export function fixedOffsetZone(offsetMinutes: number): string {
  const partHour = PART_HOUR_ZONES.get(offsetMinutes);
  if (partHour) return partHour;
  const hours = Math.round(offsetMinutes / 60);
  if (hours === 0) return 'UTC';
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/**
 * Zones most users live in, most first where two share an offset at the same season (London
 * before Berlin: at +01:00 in summer a user is in London, in winter in Berlin): the name for an
 * inferred offset that no user of the tenant was given, so that summer time applies to it.
 */
const COMMON_ZONES = [
  'Asia/Shanghai',
  'Asia/Kolkata',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Europe/Moscow',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Jakarta',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Dubai',
  'Asia/Bangkok',
  'Australia/Sydney',
  'Australia/Brisbane',
  'Africa/Lagos',
  'Asia/Tehran',
  'America/Bogota',
  'America/Halifax',
  'America/St_Johns',
  'Australia/Adelaide',
  'Australia/Darwin',
  'Pacific/Auckland',
  'America/Anchorage',
  'Pacific/Honolulu',
  'Asia/Kathmandu',
  'Asia/Yangon',
  'Asia/Kabul',
];

/** The first of `COMMON_ZONES` whose offset at `atMs` is `offsetMinutes`, if any. */
export function commonZoneAt(offsetMinutes: number, atMs: number, zones: ZoneCache): string | undefined {
  return COMMON_ZONES.find((zone) => zones.get(zone).offsetMinutes(atMs) === offsetMinutes);
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
  if (input.inferred && input.inferred.confidence >= (input.minConfidence ?? ZONE_INFERENCE.minConfidence)) {
    return { zone: input.inferred.zone, source: 'inferred', confidence: input.inferred.confidence };
  }
  return { zone: input.defaultZone, source: 'default', confidence: 0 };
}
