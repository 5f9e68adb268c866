import { hourOfWeekAt, type ZoneCache, type ZoneOffsets } from '../shared/local-time.js';
import { countsAt, emptyHistogram, type Histogram, observe, rotated, totalAt } from './histogram.js';
import { inferZone, ZONE_INFERENCE, type ZoneGuess, type ZoneSource } from './zone-inference.js';

/** What is stored per user (a few kilobytes, one row): enough to answer every activity question. */
export interface UserActivity {
  /** By local hour of the week, each event placed in the zone in force when it arrived. */
  local: Histogram;
  /** By UTC hour of the week: the rhythm without any zone, for inferring one. */
  utc: Histogram;
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
    inferred: null,
    lastAtMs: Number.NEGATIVE_INFINITY,
  };
}

/**
 * Records that the user did something at `atMs`, in `zone`. When the zone differs from the one the
 * local histogram is in: a histogram built in a zone the bot gave is kept (a traveller's habits
 * follow local time); one built in a default or inferred zone is rebuilt from the UTC rhythm in
 * the new zone (the old placement was a guess). Returns the weight the event was counted with.
 */
export function observeActivity(
  model: UserActivity,
  atMs: number,
  zone: ZoneOffsets,
  source: ZoneSource,
  halfLifeMs: number,
  weighting: VisitWeighting = DEFAULT_VISIT_WEIGHTING,
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
  observe(model.local, zone.hourOfWeek(atMs), atMs, halfLifeMs, weight);
  observe(model.utc, hourOfWeekAt(atMs), atMs, halfLifeMs, weight);
  return weight;
}

/**
 * The local histogram to read in `zone` at `atMs`: the stored one if it is in that zone or was
 * built in a zone the bot gave; otherwise the UTC rhythm moved to the zone's current offset.
 * The same rule as `observeActivity`, for reading without writing.
 */
export function localHistogramIn(model: UserActivity, zone: ZoneOffsets, atMs: number): Histogram {
  if (model.localZone === zone.zone || model.localZoneSource === 'explicit') return model.local;
  return rotated(model.utc, Math.round(zone.offsetMinutes(atMs) / 60));
}

/**
 * Re-infers the zone when there is none yet, when the evidence has doubled since the last
 * inference, or when a half-life has passed since it (decayed evidence levels off for a steady
 * user, so doubling alone would stop re-inferring, and a user who moved would keep their old
 * zone for ever). At most O(log n) + one per half-life inferences: O(1) amortised per event.
 */
export function refreshInference(
  model: UserActivity,
  tenant: TenantRhythm,
  nowMs: number,
  halfLifeMs: number,
  settings = ZONE_INFERENCE,
  minEvidence = 3,
): void {
  const evidence = totalAt(model.utc, nowMs, halfLifeMs);
  if (evidence < minEvidence) return;
  const recent = model.inferred && nowMs - model.inferred.atMs < halfLifeMs;
  if (recent && evidence < 2 * model.inferred!.evidence) return;
  const known = tenant.zones.map(({ zone, users }) => ({
    zone,
    users,
    offsetMinutes: tenant.offsets.get(zone).offsetMinutes(nowMs),
  }));
  const guess = inferZone(countsAt(model.utc, nowMs, halfLifeMs), tenant.population, known, settings);
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
