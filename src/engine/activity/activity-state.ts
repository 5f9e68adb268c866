import {
  countsAt,
  emptyHistogram,
  type Histogram,
  mergeInto,
  totalAt,
} from '../../domain/activity/histogram.js';
import { confidenceOf } from '../../domain/activity/profile.js';
import { populationOfUsers, userDistribution } from '../../domain/activity/shrinkage.js';
import {
  emptyUserActivity,
  localHistogramIn,
  recentCountsIn,
  refreshInference,
  type TenantRhythm,
  type UserActivity,
} from '../../domain/activity/user-activity.js';
import { type ResolvedZone, resolveZone } from '../../domain/activity/zone-inference.js';
import type { ZoneOffsets } from '../../domain/shared/local-time.js';
import { loadPopulationShards, type StoredActivity } from '../../storage/activity.repository.js';
import type { Db } from '../../storage/schema.js';
import { findTenant } from '../../storage/tenant.repository.js';
import { countGivenZones } from '../../storage/user.repository.js';
import type { EngineContext } from '../kernel/resources.js';

/** Zone inference weighs offsets by how many users live there; that changes slowly. */
const GIVEN_ZONES_TTL_MS = 5 * 60_000;

/** What the activity model says of one user at an instant. */
export interface ActivityAt {
  zone: ResolvedZone;
  offsets: ZoneOffsets;
  evidence: number;
  confidence: number;
  /** Probability of each local hour of the week (Monday 00:00 = 0). */
  distribution: Float64Array;
}

/**
 * The zones and activity distributions of users whose rows were read, as of `at`: the tenant's
 * population and default zone are read once for all of them.
 */
export async function activitiesAt(
  ctx: EngineContext,
  db: Db,
  tenantId: string,
  stored: ReadonlyMap<string, Pick<StoredActivity, 'timezone' | 'model'>>,
  at: Date,
): Promise<Map<string, ActivityAt>> {
  const { scales, profile, shrinkage, zones } = ctx.activity;
  const atMs = at.getTime();
  const [rhythm, defaultZone] = await Promise.all([
    tenantRhythm(db, ctx, tenantId, atMs),
    defaultZoneOf(db, tenantId),
  ]);
  const views = new Map<string, ActivityAt>();
  for (const [userId, user] of stored) {
    const model: UserActivity = user.model ?? emptyUserActivity(atMs);
    if (!user.timezone) refreshInference(model, rhythm, atMs, scales);
    const zone = resolveZone({ explicit: user.timezone, inferred: model.inferred, defaultZone });
    const offsets = zones.get(zone.zone);
    const local: Histogram = localHistogramIn(model, offsets, atMs);
    const evidence = totalAt(local, atMs, scales.longMs);
    const long = countsAt(local, atMs, scales.longMs);
    const recent = recentCountsIn(model, offsets, atMs, scales.recentMs);
    views.set(userId, {
      zone,
      offsets,
      evidence,
      confidence: confidenceOf(evidence, profile),
      distribution: userDistribution(long, recent, rhythm.population, profile, shrinkage),
    });
  }
  return views;
}

/** The zone for users whose zone is neither given nor inferred. */
export async function defaultZoneOf(db: Db, tenantId: string): Promise<string> {
  return (await findTenant(db, tenantId))?.defaultTimezone ?? 'UTC';
}

/** The tenant's population distribution as of `atMs`, and the zones its users were given. */
export async function tenantRhythm(
  db: Db,
  ctx: EngineContext,
  tenantId: string,
  atMs: number,
): Promise<TenantRhythm> {
  const { scales, profile, zones } = ctx.activity;
  const total = emptyHistogram(atMs);
  const [shards, given] = await Promise.all([
    loadPopulationShards(db, tenantId),
    cachedGivenZones(db, ctx, tenantId),
  ]);
  for (const shard of shards) mergeInto(total, shard, scales.longMs);
  return {
    population: populationOfUsers(countsAt(total, atMs, scales.longMs), profile),
    zones: given,
    offsets: zones,
  };
}

async function cachedGivenZones(db: Db, ctx: EngineContext, tenantId: string) {
  const cache = ctx.activity.givenZones;
  const hit = cache.get(tenantId);
  const nowMs = ctx.clock.now().getTime();
  if (hit && Math.abs(nowMs - hit.atMs) < GIVEN_ZONES_TTL_MS) return hit.zones;
  const zones = await countGivenZones(db, tenantId);
  cache.set(tenantId, { atMs: nowMs, zones });
  return zones;
}
