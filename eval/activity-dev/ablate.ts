/**
 * npm run eval:activity-dev:ablate [-- --out DIR --data DIR]
 *
 * What each part of the activity model adds, on the real activity data (issue 19), offline: the
 * domain's own functions fitted on each person's train events in their local time (each event at
 * the wall-clock hour of its own offset, as if the zone were given), without the engine or its
 * database. Each variant adds one part to the one before it; each is scored on the inner
 * validation split (the last 20% of each person's train events, fitted on the first 80%: what the
 * parameters were chosen on) and its heatmaps, fitted on all train events, are written for
 * `baselines.mjs --external`, which scores them on the test events. docs/EVALUATION.md, "Real
 * activity data", has the figures; `npm run eval:activity-dev` scores the engine itself, through
 * its HTTP API.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  activityDistribution,
  DEFAULT_PROFILE_PARAMS,
  GENERIC_PROFILE,
  populationDistribution,
} from '../../src/domain/activity/profile.js';
import {
  DEFAULT_SHRINKAGE,
  populationOfUsers,
  type ShrinkageParams,
  userDistribution,
} from '../../src/domain/activity/shrinkage.js';
import { SHARE_PRIOR_EVENTS } from '../../src/domain/activity/user-activity.js';
import { HOURS_PER_WEEK } from '../../src/domain/shared/local-time.js';
import { loadDevUsers } from './dataset.js';
import { DEFAULT_DATA_DIR } from './options.js';
import { decayedCounts, type Seen, wallSlot } from './slots.js';

const DAY_MS = 86_400_000;

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    out: { type: 'string' },
  },
});

/** A variant: how events are weighed and remembered, the population, and the prior of each user. */
interface Variant {
  name: string;
  /** What it adds to the variant before it, for the table. */
  adds: string;
  halfLifeDays: number;
  population: 'summed' | 'mean of users';
  /**
   * What the user's counts are shrunk toward: the population (`activityDistribution` with
   * `priorStrength` pseudo-events of it) or their factorised shape of it (`userDistribution` with
   * `shrinkage`, `priorStrength` being the least strength).
   */
  prior: 'population' | 'factorised shape';
  priorStrength: number;
  shrinkage?: ShrinkageParams;
  /** A second, recent scale's half-life (mixed in as `shrinkage` says). */
  recentHalfLifeDays?: number;
}

const CONSTANT_30: ShrinkageParams = { ...DEFAULT_SHRINKAGE, perRootEvidence: 0, recentShare: 0 };

/** Each adds one part to the one before it; the first is the engine before issue 19. */
const VARIANTS: Variant[] = [
  {
    name: 'engine-before',
    adds: "the engine's recipe: 21-day half-life, population of summed counts, 4 pseudo-events of it",
    halfLifeDays: 21,
    population: 'summed',
    prior: 'population',
    priorStrength: 4,
  },
  {
    name: 'long-memory',
    adds: 'half-life 365 days',
    halfLifeDays: 365,
    population: 'summed',
    prior: 'population',
    priorStrength: 4,
  },
  {
    name: 'mean-population',
    adds: 'the population as the mean of its users, each weighing the same',
    halfLifeDays: 365,
    population: 'mean of users',
    prior: 'population',
    priorStrength: 4,
  },
  {
    name: 'factorised-prior',
    adds: 'each user shrunk toward their factorised shape of the population, 30 pseudo-events',
    halfLifeDays: 365,
    population: 'mean of users',
    prior: 'factorised shape',
    priorStrength: 30,
    shrinkage: CONSTANT_30,
  },
  {
    name: 'strength-by-evidence',
    adds: 'the pseudo-events grow as 2·√n, from 4 to 30',
    halfLifeDays: 365,
    population: 'mean of users',
    prior: 'factorised shape',
    priorStrength: 4,
    shrinkage: { ...DEFAULT_SHRINKAGE, recentShare: 0 },
  },
  {
    name: 'recent-scale',
    adds: "a 21-day histogram's distribution mixed in, weight 0.5 · n / (n + 10): the engine's default",
    halfLifeDays: 365,
    population: 'mean of users',
    prior: 'factorised shape',
    priorStrength: 4,
    shrinkage: DEFAULT_SHRINKAGE,
    recentHalfLifeDays: 21,
  },
];

function populationOf(all: readonly Float64Array[], v: Variant): Float64Array {
  const sums = new Float64Array(HOURS_PER_WEEK);
  for (const c of all) {
    let n = 0;
    for (const x of c) n += x;
    if (n <= 0) continue;
    // the engine's share of a user (`populationShare`): their shape with a little of the generic rhythm
    const k = SHARE_PRIOR_EVENTS;
    for (let s = 0; s < HOURS_PER_WEEK; s++)
      sums[s]! += v.population === 'summed' ? c[s]! : (c[s]! + k * GENERIC_PROFILE[s]!) / (n + k);
  }
  return v.population === 'summed' ? populationDistribution(sums) : populationOfUsers(sums);
}

/** What is fitted of a person: their counts on the long scale and, for a variant with one, the recent. */
interface Fit {
  counts: Float64Array;
  recent: Float64Array | null;
}

function fitOf(events: readonly Seen[], v: Variant, atMs: number): Fit {
  return {
    counts: decayedCounts(events, v.halfLifeDays * DAY_MS, atMs),
    recent: v.recentHalfLifeDays ? decayedCounts(events, v.recentHalfLifeDays * DAY_MS, atMs) : null,
  };
}

function distributionOf(fit: Fit, population: Float64Array, v: Variant): Float64Array {
  const params = { ...DEFAULT_PROFILE_PARAMS, priorStrength: v.priorStrength };
  if (v.prior === 'population') return activityDistribution(fit.counts, population, params);
  return userDistribution(fit.counts, fit.recent, population, params, v.shrinkage);
}

const people = loadDevUsers(args.data).map((u) => ({
  id: u.id,
  events: u.train.map((iso, i) => ({ atMs: u.trainMs[i]!, slot: wallSlot(iso) })),
  cutoffMs: u.cutoffMs,
}));

/** Mean over people of the mean log-probability of their validation events, fitted on the rest. */
function validationScore(v: Variant): number {
  const fits = people.map((p) => {
    const k = Math.floor(0.8 * p.events.length);
    const fit = p.events.slice(0, k);
    return { fit: fitOf(fit, v, p.events[k]!.atMs), valid: p.events.slice(k) };
  });
  const population = populationOf(
    fits.map((f) => f.fit.counts),
    v,
  );
  let total = 0;
  for (const f of fits) {
    const p = distributionOf(f.fit, population, v);
    let ll = 0;
    for (const e of f.valid) ll += Math.log(p[e.slot]!);
    total += ll / f.valid.length;
  }
  return total / fits.length;
}

const out = args.out ?? mkdtempSync(join(tmpdir(), 'overture-ablate-'));
const externals: string[] = [];
console.log(`${people.length} people; heatmaps in ${out}\n`);
console.log('variant            half-life  population      prior              strength  validation loglik');
for (const v of VARIANTS) {
  const score = validationScore(v);
  const fits = people.map((p) => fitOf(p.events, v, p.cutoffMs));
  const population = populationOf(
    fits.map((f) => f.counts),
    v,
  );
  const heatmaps: Record<string, number[]> = {};
  people.forEach((p, i) => {
    heatmaps[p.id] = Array.from(distributionOf(fits[i]!, population, v));
  });
  const file = join(out, `${v.name}.json`);
  writeFileSync(file, JSON.stringify({ meta: { variant: v }, heatmaps }));
  externals.push('--external', `${v.name}=${file}`);
  console.log(
    `${v.name.padEnd(18)} ${`${v.halfLifeDays} d`.padStart(9)}  ${v.population.padEnd(14)}  ${v.prior.padEnd(17)}  ${String(v.priorStrength).padStart(8)}  ${score.toFixed(4)}`,
  );
}
console.log('\nOn the test events (baselines.mjs):\n');
const scored = spawnSync(process.execPath, [join(args.data, 'baselines.mjs'), args.data, ...externals], {
  stdio: 'inherit',
});
process.exitCode = scored.status ?? 1;
