import { countsAt, emptyHistogram, observe, totalAt } from '../../src/domain/activity/histogram.js';
import { type ProfileParams, populationDistribution } from '../../src/domain/activity/profile.js';
import {
  emptyUserActivity,
  eventWeight,
  localHistogramIn,
  observeActivity,
  refreshInference,
  type UserActivity,
  type VisitWeighting,
} from '../../src/domain/activity/user-activity.js';
import { type ResolvedZone, resolveZone, ZONE_INFERENCE } from '../../src/domain/activity/zone-inference.js';
import { ZoneCache } from '../../src/domain/shared/local-time.js';
import { isUserActivity } from '../../src/domain/signals/event-kind.js';
import { decodeUserActivity, encodeUserActivity } from '../../src/storage/codecs/activity-codec.js';
import { DAY, HOUR } from './ground-truth.js';
import { kindOf, type SimUser, type SimWindow, zoneAt } from './simulate.js';

/** The zone a tenant falls back on when a user has no zone and no confident inference. */
export const DEFAULT_ZONE = 'UTC';

export interface ReplayOptions {
  halfLifeMs: number;
  params: ProfileParams;
  weighting: VisitWeighting;
  /** Zone inference settings (the engine's by default). */
  inference?: typeof ZONE_INFERENCE;
}

/** What the engine holds for one user at the split instant. */
export interface ReplayedUser {
  model: UserActivity;
  /** The zone the engine reads the model in at the split (after a last `refreshInference`), and so at test time. */
  resolved: ResolvedZone;
  /** Decayed local counts at the split: what `activityDistribution` is given. */
  counts: Float64Array;
  /** Decayed evidence at the split, for `confidenceOf`. */
  evidence: number;
}

export interface Replay {
  users: ReplayedUser[];
  /** `populationDistribution` of the tenant's population at the split. */
  population: Float64Array;
  /** The zones given to users at the split, with how many have each. */
  givenZones: { zone: string; users: number }[];
}

/**
 * Feeds the training events through the model as the engine's ingest does (`recordActivity` in
 * src/engine/activity/activity.ts): only user activity (`isUserActivity`), in time order, each user in the
 * zone the engine would use at that instant; then reads each model at the split as the engine's
 * activity view does (`userView` there).
 *
 * The tenant population learns, in local time, from users whose zone is explicit; its
 * distribution is recomputed at every UTC hour (a cached value, as the engine would hold), and
 * that is what inference aligns users without a zone with. The population histogram accepts
 * observations in any order, so it is built first (its state at each hour depends only on
 * explicit users' earlier events), and then each user is replayed on their own.
 */
export function replay(users: readonly SimUser[], window: SimWindow, options: ReplayOptions): Replay {
  const { halfLifeMs, params, weighting } = options;
  const inference = options.inference ?? ZONE_INFERENCE;
  const zones = new ZoneCache();
  const hours = Math.ceil((window.splitMs - window.startMs) / HOUR);

  // 1. the population: explicit users' training events in their local time, in time order
  const popTimes: number[] = [];
  const popHours: number[] = [];
  const popWeights: number[] = [];
  for (const u of users) {
    if (!u.zoneGiven) continue;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < u.times.length; i++) {
      const t = u.times[i]!;
      if (t >= window.splitMs) break;
      if (!isUserActivity(kindOf(u, i))) continue;
      popTimes.push(t);
      popHours.push(zones.get(zoneAt(u, t)).hourOfWeek(t));
      popWeights.push(eventWeight(last, t, weighting));
      last = t;
    }
  }
  const order = Array.from(popTimes.keys()).sort((a, b) => popTimes[a]! - popTimes[b]!);
  const pop = emptyHistogram(window.startMs);
  const snapshots: Float64Array[] = [];
  let next = 0;
  for (let h = 0; h <= hours; h++) {
    const at = window.startMs + h * HOUR;
    while (next < order.length && popTimes[order[next]!]! < at) {
      const i = order[next++]!;
      observe(pop, popHours[i]!, popTimes[i]!, halfLifeMs, popWeights[i]!);
    }
    snapshots.push(populationDistribution(countsAt(pop, at, halfLifeMs), params));
  }
  const population = snapshots[hours]!;
  const populationAt = (ms: number) => snapshots[Math.floor((ms - window.startMs) / HOUR)]!;

  // the zones the bot has given users, counted once a day (the engine reads them from its users table)
  const givenZones = new Map<number, { zone: string; users: number }[]>();
  const givenZonesAt = (ms: number) => {
    const day = Math.floor(ms / DAY);
    let list = givenZones.get(day);
    if (!list) {
      const counts = new Map<string, number>();
      for (const u of users) {
        if (!u.zoneGiven) continue;
        const zone = zoneAt(u, day * DAY);
        counts.set(zone, (counts.get(zone) ?? 0) + 1);
      }
      list = [...counts].map(([zone, n]) => ({ zone, users: n }));
      givenZones.set(day, list);
    }
    return list;
  };
  const tenantAt = (ms: number, pop = populationAt(ms)) => ({
    population: pop,
    zones: givenZonesAt(ms),
    offsets: zones,
  });

  // 2. each user on their own, reading the population as of the start of the hour
  const replayed = users.map((u): ReplayedUser => {
    const model = emptyUserActivity(window.startMs);
    for (let i = 0; i < u.times.length; i++) {
      const t = u.times[i]!;
      if (t >= window.splitMs) break;
      if (!isUserActivity(kindOf(u, i))) continue;
      if (u.zoneGiven) {
        observeActivity(model, t, zones.get(zoneAt(u, t)), 'explicit', halfLifeMs, weighting);
      } else {
        refreshInference(model, tenantAt(t), t, halfLifeMs, inference);
        const zone = resolveZone({
          explicit: null,
          inferred: model.inferred,
          defaultZone: DEFAULT_ZONE,
          minConfidence: inference.minConfidence,
        });
        observeActivity(model, t, zones.get(zone.zone), zone.source, halfLifeMs, weighting);
      }
    }
    // read as the engine's activity view does at `now`: refresh the inference of a user without
    // a zone, resolve the zone, and take the local histogram in that zone
    if (!u.zoneGiven)
      refreshInference(model, tenantAt(window.splitMs, population), window.splitMs, halfLifeMs, inference);
    const resolved = resolveZone({
      explicit: u.zoneGiven ? zoneAt(u, window.splitMs) : null,
      inferred: model.inferred,
      defaultZone: DEFAULT_ZONE,
      minConfidence: inference.minConfidence,
    });
    // the engine reads models from storage: the same bytes, 8-bit bins and all
    Object.assign(model, decodeUserActivity(encodeUserActivity(model)));
    const local = localHistogramIn(model, zones.get(resolved.zone), window.splitMs);
    return {
      model,
      resolved,
      counts: countsAt(local, window.splitMs, halfLifeMs),
      evidence: totalAt(local, window.splitMs, halfLifeMs),
    };
  });
  return { users: replayed, population, givenZones: givenZonesAt(window.splitMs) };
}
