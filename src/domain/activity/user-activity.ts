import { HOURS_PER_WEEK, hourOfWeekAt, type ZoneCache, type ZoneOffsets } from '../shared/local-time.js';
import { countsAt, emptyHistogram, type Histogram, observe, rotated, totalAt } from './histogram.js';
import {
  emptyOffsetEvidence,
  type OffsetEvidence,
  observeOffset,
  offsetWeightsAt,
} from './offset-evidence.js';
import { GENERIC_PROFILE, normalised } from './profile.js';
import {
  commonZoneAt,
  inferZone,
  ZONE_INFERENCE,
  type ZoneGuess,
  type ZoneSource,
} from './zone-inference.js';

const DAY_MS = 86_400_000;

/**
 * The two memories of the model (issue 19): the long one holds a person's habits over months
 * (the local and UTC histograms), the recent one their last weeks (`recentUtc`), mixed in by its
 * evidence when read (`userDistribution`). Chosen on real activity data (docs/EVALUATION.md).
 */
export interface ActivityScales {
  /** Half-life of the long histograms. */
  longMs: number;
  /** Half-life of the recent histogram, and the longest an inferred zone goes without a fresh look. */
  recentMs: number;
}

export const DEFAULT_SCALES: ActivityScales = { longMs: 365 * DAY_MS, recentMs: 21 * DAY_MS };

/** What is stored per user (under a kilobyte, one row): enough to answer every activity question. */
export interface UserActivity {
  /** By local hour of the week, each event placed in the zone in force when it arrived; long memory. */
  local: Histogram;
  /** By UTC hour of the week: the rhythm without any zone, for inferring one; long memory. */
  utc: Histogram;
  /** By UTC hour of the week, recent memory; read in the zone's offset of the moment (`recentCountsIn`). */
  recentUtc: Histogram;
  /** The offsets the events' own timestamps carried, faded with the recent half-life. */
  stamps: OffsetEvidence;
  /** The zone the local histogram is in, and where that zone came from. */
  localZone: string | null;
  localZoneSource: ZoneSource | null;
  /** The last inference, the evidence it was made on and when (see refreshInference). */
  inferred: (ZoneGuess & { evidence: number; atMs: number }) | null;
  /**
   * The instant of the event observed last, in arrival order (ingest sorts each batch by time),
   * for weighting the events of one visit (see `eventWeight`); -Infinity before the first. A
   * number, never null, so that V8 keeps the field a double and updates it in place.
   */
  lastAtMs: number;
  /**
   * When the user's shape (their normalised `local`) was last added to the tenant's population,
   * or -Infinity when it is not in it: the population is the mean of its users' shapes, each
   * added at the instant of their last event and taken out again when it changes
   * (`populationShare`). Only users whose zone the bot gave are in it.
   */
  populationAtMs: number;
}

/**
 * The events of one visit are not independent observations of when the user is around: a chat of
 * eight messages says little more than one. An event within `gapMs` of the user's previous one
 * counts `followUpWeight` (the first of a visit counts 1), so evidence grows roughly with visits,
 * not messages. Tuned by eval/activity/tune.ts (docs/EVALUATION.md).
 */
export interface VisitWeighting {
  gapMs: number;
  followUpWeight: number;
}

export const DEFAULT_VISIT_WEIGHTING: VisitWeighting = { gapMs: 30 * 60_000, followUpWeight: 0.1 };

/**
 * The weight of an event at `atMs` observed after one at `lastAtMs`. The gap is taken either way,
 * so events replayed newest first weigh as they do oldest first.
 */
export function eventWeight(
  lastAtMs: number,
  atMs: number,
  weighting: VisitWeighting = DEFAULT_VISIT_WEIGHTING,
): number {
  return Math.abs(atMs - lastAtMs) < weighting.gapMs ? weighting.followUpWeight : 1;
}

export function emptyUserActivity(refMs: number): UserActivity {
  return {
    local: emptyHistogram(refMs),
    utc: emptyHistogram(refMs),
    localZone: null,
    localZoneSource: null,
    recentUtc: emptyHistogram(refMs),
    stamps: emptyOffsetEvidence(),
    inferred: null,
    lastAtMs: Number.NEGATIVE_INFINITY,
    populationAtMs: Number.NEGATIVE_INFINITY,
  };
}

/**
 * Records that the user did something at `atMs`, in `zone`. When the zone differs from the one the
 * local histogram is in: a histogram built in a zone the bot gave is kept (a traveller's habits
 * follow local time); one built in a default or inferred zone is rebuilt from the UTC rhythm in
 * the new zone (the old placement was a guess). `stampMinutes` is the offset the event's own
 * timestamp carried, if any (`offsetOfTimestamp`). Returns the weight the event was counted with.
 */
export function observeActivity(
  model: UserActivity,
  atMs: number,
  zone: ZoneOffsets,
  source: ZoneSource,
  scales: ActivityScales,
  weighting: VisitWeighting = DEFAULT_VISIT_WEIGHTING,
  stampMinutes: number | null = null,
): number {
  if (model.localZone !== zone.zone) {
    model.local = localHistogramIn(model, zone, atMs);
    model.localZone = zone.zone;
    model.localZoneSource = source;
  } else if (source === 'explicit') {
    // the same zone, now confirmed by the bot: the histogram is right, and from now on is kept
    // as a traveller's when the zone changes
    model.localZoneSource = 'explicit';
  }
  const weight = eventWeight(model.lastAtMs, atMs, weighting);
  model.lastAtMs = atMs;
  const utcHour = hourOfWeekAt(atMs);
  observe(model.local, zone.hourOfWeek(atMs), atMs, scales.longMs, weight);
  observe(model.utc, utcHour, atMs, scales.longMs, weight);
  observe(model.recentUtc, utcHour, atMs, scales.recentMs, weight);
  if (stampMinutes !== null) observeOffset(model.stamps, stampMinutes, atMs, scales.recentMs, weight);
  return weight;
}

/**
 * The local histogram to read in `zone` at `atMs`: the stored one if it is in that zone or was
 * built in a zone the bot gave; otherwise the UTC rhythm moved to the zone's current offset.
 * The same rule as `observeActivity`, for reading without writing.
 */
export function localHistogramIn(model: UserActivity, zone: ZoneOffsets, atMs: number): Histogram {
  if (model.localZone === zone.zone || model.localZoneSource === 'explicit') return model.local;
  return inOffsetOf(model.utc, zone, atMs);
}

/** A histogram by UTC hour moved to `zone`'s offset at `atMs`, in whole hours. */
function inOffsetOf(utc: Histogram, zone: ZoneOffsets, atMs: number): Histogram {
  return rotated(utc, Math.round(zone.offsetMinutes(atMs) / 60));
}

/**
 * The recent memory's counts as of `atMs`, by local hour in `zone`'s offset at that instant: the
 * last weeks are read in today's offset (an event from before a DST change moves by the hour,
 * within what smoothing blurs).
 */
export function recentCountsIn(model: UserActivity, zone: ZoneOffsets, atMs: number, recentMs: number) {
  return countsAt(inOffsetOf(model.recentUtc, zone, atMs), atMs, recentMs);
}

/** What a user adds to the tenant's population: their shape and the instant it was added at. */
export interface PopulationShare {
  shape: Float64Array;
  atMs: number;
}

/**
 * Pseudo-events of the generic human rhythm in a user's share of the population: a user of one
 * event adds a twelfth of a spike, not a whole one (a tenant of a few new users would otherwise
 * have their first messages as its rhythm); one of hundreds adds their own shape. On the real
 * activity data it costs 0.0007 nats (docs/EVALUATION.md).
 */
export const SHARE_PRIOR_EVENTS = 10;

/**
 * The user's share of the population as the model stands (null when not in it; see
 * `populationAtMs`): their normalised long-run local histogram, with `SHARE_PRIOR_EVENTS` of the
 * generic rhythm, by their evidence at the instant it joined. Computed from the stored model
 * alone, so the share that leaves is the one that joined.
 */
export function populationShare(model: UserActivity, longMs: number): PopulationShare | null {
  if (!Number.isFinite(model.populationAtMs) || !(model.local.total > 0)) return null;
  const own = normalised(model.local.bins);
  const n = totalAt(model.local, model.populationAtMs, longMs);
  const shape = new Float64Array(HOURS_PER_WEEK);
  for (let s = 0; s < HOURS_PER_WEEK; s++)
    shape[s] = (n * own[s]! + SHARE_PRIOR_EVENTS * GENERIC_PROFILE[s]!) / (n + SHARE_PRIOR_EVENTS);
  return { shape, atMs: model.populationAtMs };
}

/** Whether the model's shape belongs in the population: only users whose zone the bot gave teach it. */
export function joinsPopulation(model: UserActivity): boolean {
  return model.localZoneSource === 'explicit' && Number.isFinite(model.lastAtMs) && model.local.total > 0;
}

/**
 * Marks the model's shape as added to the population at its last event when it belongs there
 * (`joinsPopulation`), else as not in it, and returns the share to add (null for none).
 */
export function joinPopulation(model: UserActivity, longMs: number): PopulationShare | null {
  model.populationAtMs = joinsPopulation(model) ? model.lastAtMs : Number.NEGATIVE_INFINITY;
  return populationShare(model, longMs);
}

/**
 * Re-infers the zone when there is none yet, when the evidence has doubled since the last
 * inference, or when a recent half-life has passed since it (decayed evidence levels off for a
 * steady user, so doubling alone would stop re-inferring, and a user who moved would keep their
 * old zone for ever). At most O(log n) + one per recent half-life inferences: O(1) amortised per
 * event.
 */
export function refreshInference(
  model: UserActivity,
  tenant: TenantRhythm,
  nowMs: number,
  scales: ActivityScales,
  settings = ZONE_INFERENCE,
  minEvidence = 3,
): void {
  const halfLifeMs = scales.longMs;
  const evidence = totalAt(model.utc, nowMs, halfLifeMs);
  if (evidence < minEvidence) return;
  const recent = model.inferred && nowMs - model.inferred.atMs < scales.recentMs;
  if (recent && evidence < 2 * model.inferred!.evidence) return;
  const known = tenant.zones.map(({ zone, users }) => ({
    zone,
    users,
    offsetMinutes: tenant.offsets.get(zone).offsetMinutes(nowMs),
  }));
  // the recent weeks first (a user who moved lives in the new zone), else the long run; the
  // offsets their timestamps carried count in both
  const stamps = offsetWeightsAt(model.stamps, nowMs, scales.recentMs);
  const recentCounts = countsAt(model.recentUtc, nowMs, scales.recentMs);
  const guess =
    inferZone(recentCounts, tenant.population, known, settings, stamps) ??
    inferZone(countsAt(model.utc, nowMs, halfLifeMs), tenant.population, known, settings, stamps);
  // an offset no user of the tenant was given is named by the zone most people there live in
  if (guess && !tenant.zones.some((z) => z.zone === guess.zone))
    guess.zone = commonZoneAt(guess.offsetMinutes, nowMs, tenant.offsets) ?? guess.zone;
  model.inferred = guess ? { ...guess, evidence, atMs: nowMs } : null;
}

/** What inference compares a user with: the tenant's population profile and the zones its users were given. */
export interface TenantRhythm {
  /** The population's local-time distribution (`populationDistribution`). */
  population: Float64Array;
  /** The zones the bot gave the tenant's users, with how many users have each. */
  zones: readonly { zone: string; users: number }[];
  offsets: ZoneCache;
}
