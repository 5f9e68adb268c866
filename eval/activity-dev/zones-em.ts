/**
 * npm run eval:activity-dev:zones
 *
 * What zone inference could reach on the real activity data with no zone given and timestamps in
 * UTC (issue 19, item 2), offline: a prototype of the design, not the engine. Each person's UTC
 * rhythm (the domain's histogram and visit weights, a year's memory) is a mixture over whole-hour
 * offsets of the tenant's local-time population, and both the population and the tenant's share
 * of users per offset are learned from the people themselves by expectation-maximisation:
 *
 *   E: each person's posterior over offsets, from the tempered likelihood of their UTC counts
 *      under the population rotated by the offset, times the tenant's share of that offset;
 *   M: the population is the mean of the people's shapes, each rotated into every offset by its
 *      posterior (`populationOfUsers`); the shares are the mean posterior.
 *
 * A mixture like this fits as well in any frame (shift every person and the population by the
 * same hours): what decides the frame is where it starts. Started from the engine's generic
 * rhythm (an evening peak), it settles hours off; started from a rhythm that only says people
 * sleep at night, it lands near the truth. Scored on the inner validation split (fitted on the
 * first 80% of each person's train events, the last 20% at their own wall-clock hour), each
 * person's distribution mixed over their likely offsets and shown in the best one, against the
 * global prior in the true frames. docs/EVALUATION.md has the figures.
 */
import { rotatedBins as rotated } from '../../src/domain/activity/histogram.js';
import { offsetOfTimestamp } from '../../src/domain/activity/offset-evidence.js';
import { DEFAULT_PROFILE_PARAMS, GENERIC_PROFILE, normalised } from '../../src/domain/activity/profile.js';
import {
  DEFAULT_SHRINKAGE,
  populationOfUsers,
  userDistribution,
} from '../../src/domain/activity/shrinkage.js';
import { DEFAULT_SCALES, SHARE_PRIOR_EVENTS } from '../../src/domain/activity/user-activity.js';
import { HOURS_PER_WEEK as H, hourOfWeekAt } from '../../src/domain/shared/local-time.js';
import { loadDevUsers } from './dataset.js';
import { DEFAULT_DATA_DIR } from './options.js';
import { decayedCounts, wallSlot } from './slots.js';

const DATA = process.argv[2] ?? DEFAULT_DATA_DIR;
const OFFSETS = Array.from({ length: 27 }, (_, i) => i - 12);

/** The whole hours of the offset an ISO timestamp was written with (0 for `Z` and `+00:00`). */
const offsetHours = (iso: string) => Math.round((offsetOfTimestamp(iso) ?? 0) / 60);
/** The person's counts by UTC hour of the week (their instants only, as a bot sending UTC gives them). */
const utcCounts = (ms: readonly number[], halfLifeMs: number, atMs: number) =>
  decayedCounts(
    ms.map((t) => ({ atMs: t, slot: hourOfWeekAt(t) })),
    halfLifeMs,
    atMs,
  );
const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);

const people = loadDevUsers(DATA).map((u) => {
  const k = Math.floor(0.8 * u.train.length);
  const fit = u.trainMs.slice(0, k);
  const tally = new Map<number, number>();
  for (const iso of u.train.slice(0, k)) tally.set(offsetHours(iso), (tally.get(offsetHours(iso)) ?? 0) + 1);
  return {
    long: utcCounts(fit, DEFAULT_SCALES.longMs, u.trainMs[k]!),
    recent: utcCounts(fit, DEFAULT_SCALES.recentMs, u.trainMs[k]!),
    valid: u.train.slice(k).map(wallSlot),
    /** The offset most of their fitted events carry: the truth the inference is checked against. */
    trueOffset: [...tally].sort((a, b) => b[1] - a[1])[0]![0],
  };
});

/** A person's shape as it joins the population (`populationShare`): their counts and a little generic rhythm. */
const shareOf = (c: Float64Array) => {
  const n = sum(c);
  return c.map((x, s) => (x + SHARE_PRIOR_EVENTS * GENERIC_PROFILE[s]!) / (n + SHARE_PRIOR_EVENTS));
};

function posteriors(population: Float64Array, shares: Float64Array, temperature: number) {
  const logP = population.map(Math.log);
  return people.map((p) => {
    const ll = OFFSETS.map((o, j) => {
      let s = 0;
      for (let h = 0; h < H; h++) if (p.long[h]! > 0) s += p.long[h]! * logP[(((h + o) % H) + H) % H]!;
      return temperature * s + Math.log(shares[j]!);
    });
    const max = Math.max(...ll);
    const e = ll.map((x) => Math.exp(x - max));
    const z = e.reduce((a, b) => a + b, 0);
    return Float64Array.from(e.map((x) => x / z));
  });
}

function fit(start: Float64Array, temperature: number, rounds: number, learnShares: boolean) {
  let population = start;
  let shares = new Float64Array(OFFSETS.length).fill(1 / OFFSETS.length);
  let post = posteriors(population, shares, temperature);
  for (let r = 0; r < rounds; r++) {
    const sums = new Float64Array(H);
    const counts = new Float64Array(OFFSETS.length);
    people.forEach((p, i) => {
      const shape = shareOf(p.long);
      OFFSETS.forEach((o, j) => {
        const w = post[i]![j]!;
        if (w < 1e-4) return;
        counts[j]! += w;
        const moved = rotated(shape, o);
        for (let s = 0; s < H; s++) sums[s]! += w * moved[s]!;
      });
    });
    population = populationOfUsers(sums);
    if (learnShares) shares = counts.map((x) => (x + 0.5) / (people.length + 0.5 * OFFSETS.length));
    post = posteriors(population, shares, temperature);
  }
  return { population, post };
}

/** Mean validation log-likelihood of each person's distribution mixed over offsets, shown in the best one. */
function score(population: Float64Array, post: readonly Float64Array[]) {
  let total = 0;
  let right = 0;
  let near = 0;
  people.forEach((p, i) => {
    const w = post[i]!;
    let best = 0;
    for (let j = 1; j < w.length; j++) if (w[j]! > w[best]!) best = j;
    const shown = OFFSETS[best]!;
    if (shown === p.trueOffset) right++;
    if (Math.abs(shown - p.trueOffset) <= 1) near++;
    const mixed = new Float64Array(H);
    OFFSETS.forEach((o, j) => {
      if (w[j]! < 1e-3) return;
      const d = userDistribution(
        rotated(p.long, o),
        rotated(p.recent, o),
        population,
        DEFAULT_PROFILE_PARAMS,
        DEFAULT_SHRINKAGE,
      );
      const inShown = rotated(d, shown - o);
      for (let s = 0; s < H; s++) mixed[s]! += w[j]! * inShown[s]!;
    });
    const z = sum(mixed);
    let ll = 0;
    for (const s of p.valid) ll += Math.log(mixed[s]! / z);
    total += ll / p.valid.length;
  });
  return { loglik: total / people.length, right, near };
}

function globalPriorInTrueFrames() {
  const sums = new Float64Array(H);
  for (const p of people) {
    const moved = rotated(shareOf(p.long), p.trueOffset);
    for (let s = 0; s < H; s++) sums[s]! += moved[s]!;
  }
  const population = populationOfUsers(sums);
  let total = 0;
  for (const p of people) total += p.valid.reduce((a, s) => a + Math.log(population[s]!), 0) / p.valid.length;
  return total / people.length;
}

/** People sleep at night: 01:00-06:00 a fifth of a waking hour, 00:00 and 07:00 half. */
const SLEEP = normalised(
  Float64Array.from({ length: H }, (_, s) => {
    const h = s % 24;
    return h >= 1 && h <= 6 ? 0.2 : h === 0 || h === 7 ? 0.5 : 1;
  }),
);

console.log(`${people.length} people; validation: the last 20% of each person's train events\n`);
console.log(
  `global prior in the true frames (what the target compares with): ${globalPriorInTrueFrames().toFixed(4)}\n`,
);
console.log(
  '| start | temperature | rounds | shares learned | validation loglik | best offset right | within 1 h |',
);
console.log('| --- | ---: | ---: | --- | ---: | ---: | ---: |');
const runs: [string, Float64Array, number, number, boolean][] = [
  ['generic rhythm', GENERIC_PROFILE, 0.35, 8, false],
  ['generic rhythm', GENERIC_PROFILE, 0.35, 8, true],
  ['sleep at night', SLEEP, 0.35, 8, false],
  ['sleep at night', SLEEP, 0.35, 8, true],
  ['sleep at night', SLEEP, 0.2, 8, true],
  ['sleep at night', SLEEP, 0.5, 8, true],
  ['sleep at night', SLEEP, 1, 8, true],
  ['sleep at night', SLEEP, 0.35, 16, true],
];
for (const [name, start, temperature, rounds, learn] of runs) {
  const { population, post } = fit(start, temperature, rounds, learn);
  const s = score(population, post);
  console.log(
    `| ${name} | ${temperature} | ${rounds} | ${learn ? 'yes' : 'no'} | ${s.loglik.toFixed(4)} | ${s.right} | ${s.near} |`,
  );
}
