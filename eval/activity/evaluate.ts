import { assessHour } from '../../src/domain/activity/good-time.js';
import { countsAt } from '../../src/domain/activity/histogram.js';
import { confidenceOf, type ProfileParams } from '../../src/domain/activity/profile.js';
import { type ShrinkageParams, userDistribution } from '../../src/domain/activity/shrinkage.js';
import type { ActivityScales } from '../../src/domain/activity/user-activity.js';
import { inferZone } from '../../src/domain/activity/zone-inference.js';
import { ZoneCache } from '../../src/domain/shared/local-time.js';
import { BASELINE_GOOD, baselineCounts, baselineDistribution, baselineScores } from './baseline.js';
import { trueOffsetMinutes } from './ground-truth.js';
import { scoreUser, summariseTest, type Tally, type TestSummary, UTC_FRAME } from './metrics.js';
import type { Replay } from './replay.js';
import { type SimUser, type SimWindow, zoneAt } from './simulate.js';

/** What does not depend on the model's parameters: the baseline's counts and view of the test weeks. */
export interface FixedPart {
  baselineCounts: Float64Array[];
  baselineSummaries: TestSummary[];
}

export function fixedPart(users: readonly SimUser[], window: SimWindow): FixedPart {
  return {
    baselineCounts: users.map((u) => baselineCounts(u, window.splitMs)),
    baselineSummaries: users.map((u) => summariseTest(u, window, UTC_FRAME)),
  };
}

/** The model's test weeks as seen in the zone the engine reads each user in. */
export function modelSummaries(users: readonly SimUser[], window: SimWindow, replay: Replay): TestSummary[] {
  const zones = new ZoneCache();
  return users.map((u, i) => summariseTest(u, window, zones.get(replay.users[i]!.resolved.zone)));
}

export interface UserScores {
  model: Tally;
  baseline: Tally;
}

/**
 * The model as the engine reads it at the split: `userDistribution` of the decayed local counts
 * of both memories, shrunk toward the tenant's population; `assessHour(...).good` as its judgement.
 */
export function scoreModel(
  replay: Replay,
  summaries: readonly TestSummary[],
  options: { params: ProfileParams; shrinkage: ShrinkageParams; engineGoodTime?: boolean },
): Tally[] {
  return replay.users.map((r, i) => {
    const distribution = userDistribution(
      r.counts,
      r.recent,
      replay.population,
      options.params,
      options.shrinkage,
    );
    let good: (h: number) => boolean = () => false;
    if (options.engineGoodTime ?? true) {
      const confidence = confidenceOf(r.evidence, options.params);
      const flags = Array.from({ length: 168 }, (_, h) => assessHour(distribution, h, confidence).good);
      good = (h) => flags[h]!;
    }
    return scoreUser(summaries[i]!, { distribution, ranking: distribution, good });
  });
}

/** The baseline: its distribution for the likelihood and calibration, count/max for ranking and judging. */
export function scoreBaseline(fixed: FixedPart, alpha: number): Tally[] {
  return fixed.baselineCounts.map((counts, i) => {
    const scores = baselineScores(counts);
    return scoreUser(fixed.baselineSummaries[i]!, {
      distribution: baselineDistribution(counts, alpha),
      ranking: scores,
      good: (h) => scores[h]! >= BASELINE_GOOD,
    });
  });
}

/**
 * The ground truth as a forecast, in the user's own zone: the best any model could do (the
 * simulation's randomness remains), so that a margin over the baseline can be read against the
 * margin that was there to win.
 */
export function scoreOracle(users: readonly SimUser[], window: SimWindow): Tally[] {
  const zones = new ZoneCache();
  return users.map((u) => {
    const summary = summariseTest(u, window, zones.get(zoneAt(u, window.splitMs)));
    return scoreUser(summary, { distribution: u.truth, ranking: u.truth, good: () => false });
  });
}

export function pairScores(model: readonly Tally[], baseline: readonly Tally[]): UserScores[] {
  return model.map((m, i) => ({ model: m, baseline: baseline[i]! }));
}

export interface ZoneCheck {
  trueOffsetMinutes: number;
  /** The latest inference's offset, whatever its confidence; null if none was made. */
  inferredOffsetMinutes: number | null;
  confidence: number;
  /** Whether resolveZone took the inference (confident) or fell back on the default. */
  source: 'inferred' | 'default' | 'explicit';
  /** What inferZone would say on the user's whole decayed UTC rhythm at the split. */
  freshOffsetMinutes: number | null;
}

export function zoneChecks(
  users: readonly SimUser[],
  window: SimWindow,
  replay: Replay,
  scales: ActivityScales,
): (ZoneCheck | null)[] {
  return users.map((u, i) => {
    if (u.zoneGiven) return null;
    const r = replay.users[i]!;
    const zones = new ZoneCache();
    const known = replay.givenZones.map((z) => ({
      ...z,
      offsetMinutes: zones.get(z.zone).offsetMinutes(window.splitMs),
    }));
    const fresh = inferZone(countsAt(r.model.utc, window.splitMs, scales.longMs), replay.population, known);
    return {
      freshOffsetMinutes: fresh ? fresh.offsetMinutes : null,
      trueOffsetMinutes: trueOffsetMinutes(zoneAt(u, window.splitMs), window.splitMs),
      inferredOffsetMinutes: r.model.inferred ? r.model.inferred.offsetMinutes : null,
      confidence: r.model.inferred?.confidence ?? 0,
      source: r.resolved.source,
    };
  });
}
