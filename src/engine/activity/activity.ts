import { notFound } from '../../contract/errors.js';
import { assessHour, bestHours, heatmapOf, nextGoodTime } from '../../domain/activity/good-time.js';
import { emptyHistogram, mergeInto, observeShape } from '../../domain/activity/histogram.js';
import type { ProfileParams } from '../../domain/activity/profile.js';
import type { ShrinkageParams } from '../../domain/activity/shrinkage.js';
import {
  type ActivityScales,
  DEFAULT_VISIT_WEIGHTING,
  emptyUserActivity,
  joinPopulation,
  joinsPopulation,
  observeActivity,
  type PopulationShare,
  populationShare,
  refreshInference,
  type TenantRhythm,
  type UserActivity,
} from '../../domain/activity/user-activity.js';
import { resolveZone } from '../../domain/activity/zone-inference.js';
import { describeQuietHours } from '../../domain/policy/quiet-hours.js';
import { groupBy } from '../../domain/shared/group-by.js';
import { describeHourOfWeek, ZoneCache, type ZoneOffsets } from '../../domain/shared/local-time.js';
import { isUserActivity } from '../../domain/signals/event-kind.js';
import {
  lockPopulationShard,
  POPULATION_SHARDS,
  readUserActivities,
  type StoredActivity,
  savePopulationShard,
  writeUserActivities,
} from '../../storage/activity.repository.js';
import { quantiseHistogram } from '../../storage/codecs/activity-codec.js';
import type { ActivityWrite, NewEvent } from '../../storage/event.repository.js';
import type { Db } from '../../storage/schema.js';
import type { ActivitySettings, EngineContext } from '../kernel/resources.js';
import { loadPolicyFor } from '../policy/policy.js';
import { activitiesAt, defaultZoneOf, tenantRhythm } from './activity-state.js';

/** The engine's activity settings, its zone and given-zone caches empty. */
export function activitySettings(
  scales: ActivityScales,
  profile: ProfileParams,
  shrinkage: ShrinkageParams,
): ActivitySettings {
  return { scales, profile, shrinkage, zones: new ZoneCache(), givenZones: new Map() };
}

let nextShard = 0;

/** What ingest writes for the activity model, and what it does once the users' rows are written. */
interface PreparedActivity {
  /** Each active user's new model, to be written with their counters (`applyUserDeltas`). */
  writes: Map<string, ActivityWrite>;
  /** Each active user's zone as resolved for their latest event: given, inferred or the tenant's default. */
  zones: ReadonlyMap<string, ZoneOffsets>;
  /**
   * After the users' upsert: recomputes the models another batch wrote meanwhile (their rows are
   * locked now), then moves the users' shapes in one shard of the tenant's population.
   */
  finish(trx: Db, written: ReadonlySet<string>): Promise<void>;
}

/**
 * Folds newly stored events into the users' activity models, inside the ingest transaction. Only
 * what the user does counts (message_in, session_start, reaction, feedback). The models are read
 * without locking and written by the users' upsert only over the version read, so the users' rows
 * stay locked for as short a time as before the model existed; a user whose model a concurrent
 * batch wrote first is recomputed in `finish`, so no event is lost or counted twice.
 */
export async function prepareActivity(
  trx: Db,
  ctx: EngineContext,
  tenantId: string,
  events: readonly NewEvent[],
  now: Date,
): Promise<PreparedActivity | undefined> {
  const active = events.filter((e) => isUserActivity(e.kind));
  if (active.length === 0) return undefined;
  const byUser = groupBy(active, (e) => e.userId);
  for (const list of byUser.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
  const userIds = [...byUser.keys()].sort();
  const [stored, defaultZone] = await Promise.all([
    readUserActivities(trx, tenantId, userIds),
    defaultZoneOf(trx, tenantId),
  ]);
  // The population only serves to infer zones: a batch whose users all have one skips reading it.
  let rhythm: TenantRhythm | undefined;
  const rhythmFor = async (ids: readonly string[], rows: Map<string, StoredActivity>) => {
    if (!rhythm && ids.some((id) => !rows.get(id)?.timezone))
      rhythm = await tenantRhythm(trx, ctx, tenantId, now.getTime());
    return rhythm;
  };
  await rhythmFor(userIds, stored);

  const folded = new Map<string, FoldedUser>();
  const writes = new Map<string, ActivityWrite>();
  const zones = new Map<string, ZoneOffsets>();
  for (const userId of userIds) {
    const row = stored.get(userId);
    const user = foldUser(ctx, row, byUser.get(userId)!, rhythm, defaultZone);
    folded.set(userId, user);
    writes.set(userId, { model: user.model, version: row?.version ?? 0 });
    zones.set(userId, user.zone);
  }

  return {
    writes,
    zones,
    async finish(db, written) {
      const again = userIds.filter((id) => !written.has(id));
      if (again.length > 0) {
        const locked = await readUserActivities(db, tenantId, again);
        const tenant = await rhythmFor(again, locked);
        const models = new Map<string, UserActivity>();
        for (const userId of again) {
          const user = foldUser(ctx, locked.get(userId), byUser.get(userId)!, tenant, defaultZone);
          folded.set(userId, user);
          models.set(userId, user.model);
        }
        await writeUserActivities(db, tenantId, models);
      }
      await addToPopulation(db, ctx, tenantId, [...folded.values()], now);
    },
  };
}

interface FoldedUser {
  model: UserActivity;
  /** The zone the user's latest event was read in. */
  zone: ZoneOffsets;
  /** The user's shape as it was in the population (null: not in it), and as it is now. */
  leaves: PopulationShare | null;
  joins: PopulationShare | null;
}

function foldUser(
  ctx: EngineContext,
  row: StoredActivity | undefined,
  events: readonly NewEvent[],
  rhythm: TenantRhythm | undefined,
  defaultZone: string,
): FoldedUser {
  const { scales, zones } = ctx.activity;
  // a new model is referenced at its first event, not at the clock: a user's history sent after
  // the fact (a bot importing it) is read as of its own time, not faded to the ingest's
  const model = row?.model ?? emptyUserActivity(events[0]!.at.getTime());
  const leaves = populationShare(model, scales.longMs);
  const explicit = row?.timezone ?? null;
  let offsets = zones.get(explicit ?? defaultZone);
  for (const event of events) {
    const atMs = event.at.getTime();
    if (!explicit && rhythm) refreshInference(model, rhythm, atMs, scales);
    const zone = resolveZone({ explicit, inferred: model.inferred, defaultZone });
    offsets = zones.get(zone.zone);
    observeActivity(
      model,
      atMs,
      offsets,
      zone.source,
      scales,
      DEFAULT_VISIT_WEIGHTING,
      event.offsetMinutes ?? null,
    );
  }
  // the shape that joins now is the one read back when it leaves: to the bit, as stored (only a
  // joining shape needs it; one that leaves was read back from storage)
  if (joinsPopulation(model)) quantiseHistogram(model.local);
  // Only users whose zone the bot gave teach the population: a guessed zone would blur it.
  return { model, zone: offsets, leaves, joins: joinPopulation(model, scales.longMs) };
}

/**
 * Moves the batch's users' shapes in one shard of the tenant's population (the shard row is
 * locked): each user's former shape out, at the instant it joined, and their new one in. The
 * population is the sum over shards, so a shape may leave another shard than it joined.
 */
async function addToPopulation(
  db: Db,
  ctx: EngineContext,
  tenantId: string,
  users: readonly FoldedUser[],
  now: Date,
) {
  const { longMs } = ctx.activity.scales;
  const moves = users.filter((u) => u.leaves || u.joins);
  if (moves.length === 0) return;
  // referenced at the events' time, not the clock's: history sent late is read as of its own time
  const firstMs = Math.min(
    ...moves.map((u) => Math.min(u.leaves?.atMs ?? Infinity, u.joins?.atMs ?? Infinity)),
  );
  const delta = emptyHistogram(firstMs);
  for (const u of moves) {
    if (u.leaves) observeShape(delta, u.leaves.shape, u.leaves.atMs, longMs, -1);
    if (u.joins) observeShape(delta, u.joins.shape, u.joins.atMs, longMs, 1);
  }
  const shard = nextShard++ % POPULATION_SHARDS;
  const stored = (await lockPopulationShard(db, tenantId, shard)) ?? emptyHistogram(firstMs);
  mergeInto(stored, delta, longMs);
  await savePopulationShard(db, tenantId, shard, stored, now);
}

/** Everything the activity model says about a user as of `at`. */
export async function getActivity(ctx: EngineContext, tenantId: string, userId: string, at: Date) {
  const view = await userActivityAt(ctx, tenantId, userId, at);
  const { distribution, zone, offsets, confidence, evidence } = view;
  const nowHour = offsets.hourOfWeek(at.getTime());
  const now = assessHour(distribution, nowHour, confidence);
  return {
    userId,
    at: at.toISOString(),
    timezone: zone.zone,
    timezoneSource: zone.source,
    timezoneConfidence: round(zone.confidence),
    confidence: round(confidence),
    evidence: round(evidence),
    heatmap: heatmapOf(distribution).map((row) => row.map((p) => round(p, 6))),
    bestHours: bestHours(distribution, 5).map((h) => ({ ...h, probability: round(h.probability, 6) })),
    now: {
      good: now.good,
      score: round(now.score),
      reason: now.reason,
      localTime: localIso(at.getTime(), offsets.offsetMinutes(at.getTime())),
      ...describeHourOfWeek(nowHour),
    },
  };
}

/** The best instant for this user in [after, after + within], with its score. */
export async function findNextGoodTime(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  after: Date,
  withinMs: number,
  characterId?: string,
) {
  const [{ distribution, zone, offsets }, policy] = await Promise.all([
    userActivityAt(ctx, tenantId, userId, after),
    loadPolicyFor(ctx, tenantId, characterId),
  ]);
  const quiet = policy.quietHours;
  const best = nextGoodTime(distribution, offsets, after.getTime(), withinMs, quiet);
  const common = {
    userId,
    after: after.toISOString(),
    until: new Date(after.getTime() + withinMs).toISOString(),
    timezone: zone.zone,
    timezoneSource: zone.source,
    quietHours: quiet ? describeQuietHours(quiet) : null,
  };
  if (!best) return { ...common, at: null, localTime: null, day: null, hour: null, score: 0, good: false };
  return {
    ...common,
    at: new Date(best.atMs).toISOString(),
    localTime: localIso(best.atMs, offsets.offsetMinutes(best.atMs)),
    ...describeHourOfWeek(best.hourOfWeek),
    score: round(best.score),
    good: best.score >= 0.5,
  };
}

/** A user's zone (and where it came from) and activity distribution as of `at`; 404 for an unknown user. */
export async function userActivityAt(ctx: EngineContext, tenantId: string, userId: string, at: Date) {
  // the user's row holds their zone and model: one read, which also says whether they exist
  const stored = await readUserActivities(ctx.db, tenantId, [userId]);
  if (!stored.has(userId)) throw notFound(`user "${userId}"`);
  return (await activitiesAt(ctx, ctx.db, tenantId, stored, at)).get(userId)!;
}

function localIso(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 16);
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
