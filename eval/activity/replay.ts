import { countsAt, totalAt } from '../../src/domain/activity/histogram.js';
import type { ProfileParams } from '../../src/domain/activity/profile.js';
import { populationOfUsers, type ShrinkageParams } from '../../src/domain/activity/shrinkage.js';
import {
  type ActivityScales,
  emptyUserActivity,
  joinPopulation,
  localHistogramIn,
  observeActivity,
  recentCountsIn,
  refreshInference,
  type UserActivity,
  type VisitWeighting,
} from '../../src/domain/activity/user-activity.js';
import { type ResolvedZone, resolveZone, ZONE_INFERENCE } from '../../src/domain/activity/zone-inference.js';
import { HOURS_PER_WEEK, ZoneCache } from '../../src/domain/shared/local-time.js';
import { isUserActivity } from '../../src/domain/signals/event-kind.js';
import { decodeUserActivity, encodeUserActivity } from '../../src/storage/codecs/activity-codec.js';
import { DAY } from './ground-truth.js';
import { kindOf, type SimUser, type SimWindow, zoneAt } from './simulate.js';

/** Adds `weight` times `shape` into `sums`. */
function observeShapeInto(sums: Float64Array, shape: Float64Array, weight: number): void {
  for (let s = 0; s < sums.length; s++) sums[s]! += weight * shape[s]!;
}

/** The zone a tenant falls back on when a user has no zone and no confident inference. */
export const DEFAULT_ZONE = 'UTC';

export interface ReplayOptions {
  scales: ActivityScales;
  params: ProfileParams;
  shrinkage: ShrinkageParams;
  weighting: VisitWeighting;
  /** Zone inference settings (the engine's by default). */
  inference?: typeof ZONE_INFERENCE;
}

/** What the engine holds for one user at the split instant. */
export interface ReplayedUser {
  model: UserActivity;
  /** The zone the engine reads the model in at the split (after a last `refreshInference`), and so at test time. */
  resolved: ResolvedZone;
  /** Decayed local counts at the split, long memory: what `userDistribution` is given. */
  counts: Float64Array;
  /** The recent memory's counts at the split, in the same zone. */
  recent: Float64Array;
  /** Decayed evidence at the split, for `confidenceOf`. */
  evidence: number;
}

export interface Replay {
  users: ReplayedUser[];
  /** `populationOfUsers` of the tenant's population at the split. */
  population: Float64Array;
  /** The zones given to users at the split, with how many have each. */
  givenZones: { zone: string; users: number }[];
}

/**
 * Feeds the training events through the model as the engine's ingest does (`prepareActivity` in
 * src/engine/activity/activity.ts): only user activity (`isUserActivity`), in time order, each
 * user in the zone the engine would use at that instant; then reads each model at the split as
 * the engine's activity view does (`activitiesAt` in activity-state.ts).
 *
 * The tenant population is the mean of the shapes of users whose zone is explicit, each added at
 * the instant of their last event and faded with the long half-life since (`populationOfUsers`);
 * it is recomputed at every UTC midnight (the engine's is as of each batch, and a day of a few
 * users' events moves it little), and that is what inference aligns users without a zone with.
 * Explicit users' models do not depend on the population, so it is built first, and then each
 * user is replayed on their own.
 */
export function replay(users: readonly SimUser[], window: SimWindow, options: ReplayOptions): Replay {
  const { scales, params, weighting } = options;
  const inference = options.inference ?? ZONE_INFERENCE;
  const zones = new ZoneCache();
  const days = Math.ceil((window.splitMs - window.startMs) / DAY);

  // 1. the population: explicit users' models, their shapes summed at every midnight
  const explicit = users.flatMap((u) => {
    if (!u.zoneGiven) return [];
    const events: number[] = [];
    for (let i = 0; i < u.times.length && u.times[i]! < window.splitMs; i++)
      if (isUserActivity(kindOf(u, i))) events.push(u.times[i]!);
    return [{ u, events, next: 0, model: emptyUserActivity(window.startMs) }];
  });
  const snapshots: Float64Array[] = [];
  for (let d = 0; d <= days; d++) {
    const at = Math.min(window.startMs + d * DAY, window.splitMs);
    const sums = new Float64Array(HOURS_PER_WEEK);
    for (const e of explicit) {
      while (e.next < e.events.length && e.events[e.next]! < at) {
        const t = e.events[e.next++]!;
        observeActivity(e.model, t, zones.get(zoneAt(e.u, t)), 'explicit', scales, weighting);
      }
      const share = joinPopulation(e.model, scales.longMs);
      if (share) observeShapeInto(sums, share.shape, 2 ** (-(at - share.atMs) / scales.longMs));
    }
    snapshots.push(populationOfUsers(sums, params));
  }
  const population = snapshots[days]!;
  const populationAt = (ms: number) => snapshots[Math.floor((ms - window.startMs) / DAY)]!;

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
        observeActivity(model, t, zones.get(zoneAt(u, t)), 'explicit', scales, weighting);
      } else {
        refreshInference(model, tenantAt(t), t, scales, inference);
        const zone = resolveZone({
          explicit: null,
          inferred: model.inferred,
          defaultZone: DEFAULT_ZONE,
          minConfidence: inference.minConfidence,
        });
        observeActivity(model, t, zones.get(zone.zone), zone.source, scales, weighting);
      }
    }
    // read as the engine's activity view does at `now`: refresh the inference of a user without
    // a zone, resolve the zone, and take the local histogram in that zone
    if (!u.zoneGiven)
      refreshInference(model, tenantAt(window.splitMs, population), window.splitMs, scales, inference);
    const resolved = resolveZone({
      explicit: u.zoneGiven ? zoneAt(u, window.splitMs) : null,
      inferred: model.inferred,
      defaultZone: DEFAULT_ZONE,
      minConfidence: inference.minConfidence,
    });
    // the engine reads models from storage: the same bytes, 8-bit bins and all
    Object.assign(model, decodeUserActivity(encodeUserActivity(model)));
    const offsets = zones.get(resolved.zone);
    const local = localHistogramIn(model, offsets, window.splitMs);
    return {
      model,
      resolved,
      counts: countsAt(local, window.splitMs, scales.longMs),
      recent: recentCountsIn(model, offsets, window.splitMs, scales.recentMs),
      evidence: totalAt(local, window.splitMs, scales.longMs),
    };
  });
  return { users: replayed, population, givenZones: givenZonesAt(window.splitMs) };
}
