/**
 * npm run eval:send-time -- [--per-user K] [--seed N] [--users N] [...]
 *
 * The send-time replay (issue 19, item 3) on the activity-dev data: the engine is fed each
 * person's train events with their zone given, and at random instants of the person's test
 * period the bot asks it (`GET /v1/users/{id}/next-good-time`) for the best time within 24 h. A
 * pick is a hit when the person was active (a test event) within 2 h after it. It is compared at
 * the same volume (one pick per instant) with a random waking instant of the same 24 h and with
 * the person's most common waking train hour. docs/EVALUATION.md has the figures.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from '../../bench/lib/http-load.mjs';
import type { QuietHours } from '../../src/domain/policy/policy.js';
import { ZoneCache } from '../../src/domain/shared/local-time.js';
import { fnv1a, seededRandom } from '../../src/domain/shared/random.js';
import { loadDevUsers, loadTestInstants } from './dataset.js';
import { buildEngine, callApi, giveZones, mapConcurrent, type RunningEngine, startEngine } from './engine.js';
import { ingestTrainEvents } from './ingest.js';
import { givenZones } from './modes.js';
import {
  COMMON_OPTIONS,
  DEFAULT_DATA_DIR,
  DEFAULT_PG_SERVER,
  helpIfAsked,
  ROOT,
  wholeNumber,
} from './options.js';
import { HOUR_MS } from './send-time-picks.js';
import { type PersonPlan, planPerson, scorePerson } from './send-time-plan.js';
import { markdownTable, type Summary, summarise, TIERS, tierOf } from './send-time-stats.js';

const USAGE = `usage: npm run eval:send-time -- [options]

  --per-user K        instants per person, uniform in [cutoff, last test event - 26 h) (default 20)
  --random-draws N    random waking instants per instant, averaged (default 10)
  --seed N            seed of every draw and of the bootstrap (default 20261208)
  --resamples N       bootstrap resamples of the people (default 2000)
  --users N           only the first N people by id (quick runs; figures not comparable)
  --concurrency N     requests in flight (default 4)
  --batch N           events per POST /v1/events, at most 1000 (default 1000)
  --data DIR          the data folder (default: shared/data/activity-dev beside the repository)
  --pg-server URL     PostgreSQL server for the scratch database (default ${DEFAULT_PG_SERVER})
  --keep-db           keep the scratch database afterwards
  --help              this text`;

const { values } = parseArgs({
  options: {
    'per-user': { type: 'string', default: '20' },
    'random-draws': { type: 'string', default: '10' },
    seed: { type: 'string', default: '20261208' },
    resamples: { type: 'string', default: '2000' },
    ...COMMON_OPTIONS,
  },
});
helpIfAsked(values, USAGE);
const perUser = wholeNumber('per-user', values['per-user'], 1000);
const randomDraws = wholeNumber('random-draws', values['random-draws'], 1000);
const seed = wholeNumber('seed', values.seed, 2 ** 32 - 1);
const resamples = wholeNumber('resamples', values.resamples, 100_000);
const limit = values.users === undefined ? undefined : wholeNumber('users', values.users);
const concurrency = wholeNumber('concurrency', values.concurrency, 64);
const batchSize = wholeNumber('batch', values.batch, 1000);
const dataDir = resolve(values.data);

/** The tenant's quiet hours, which the engine is given and the comparators keep to. */
const QUIET: QuietHours = { startMinute: 22 * 60, endMinute: 8 * 60 };
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

const commit = buildEngine(ROOT);
const started = performance.now();
const users = loadDevUsers(dataDir, limit);
const tests = loadTestInstants(dataDir);
const zones = givenZones('given', users);
const zoneCache = new ZoneCache();
const plans: PersonPlan[] = [];
for (const user of users) {
  const zone = zoneCache.get(zones.get(user.id)!.zone);
  const plan = planPerson(user, tests.get(user.id)!, zone, { seed, perUser, randomDraws, quiet: QUIET });
  if (plan) plans.push(plan);
}
const asked = plans.flatMap((plan, p) => plan.instants.map((_, i) => [p, i] as const));
console.log(`# Send-time replay on real activity (${dataDir})`);
console.log(
  `${users.length} people; ${users.length - plans.length} left out (under 2 days of test period before ` +
    `its last 26 h); ${plans.length} × ${perUser} = ${asked.length} instants; ${randomDraws} random ` +
    `draws per instant, averaged; seed ${seed}; engine at commit ${commit}; ${new Date().toISOString()}`,
);
if (limit !== undefined)
  console.log(`NOTE: a subset (first ${limit} by id): not comparable with the full set`);

let running: RunningEngine | undefined;
process.once('SIGINT', () => {
  console.log('interrupted: stopping the service');
  void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

interface EngineAnswer {
  at: string | null;
  good: boolean;
  score: number;
  timezone: string;
  timezoneSource: string;
}
const picks: (number | null)[][] = plans.map((plan) => plan.instants.map(() => null));
const answers: EngineAnswer[] = [];
const latencies: number[] = [];
const times: Record<string, string> = {};
let t = performance.now();
running = await startEngine({
  root: ROOT,
  pgServer: values['pg-server'],
  label: 'send_time',
  keepDb: values['keep-db'],
});
const engine = running;
times.start = seconds(t);
console.log(`service pid ${engine.pid} on ${engine.base}, database ${engine.database}`);
try {
  t = performance.now();
  await callApi(engine.base, 'PUT', '/v1/policy', {
    allowProactive: true,
    quietHours: { start: '22:00', end: '08:00' },
  });
  await giveZones(engine.base, zones, concurrency);
  times.zones = seconds(t);
  const ingest = await ingestTrainEvents(engine.base, users, { concurrency, batchSize, utc: () => false });
  times.ingest = ingest.seconds.toFixed(1);
  console.log(
    `ingest: ${ingest.events} train events, accepted ${ingest.accepted}, duplicates ${ingest.duplicates}, ` +
      `${times.ingest} s (${Math.round(ingest.events / ingest.seconds)} events/s)`,
  );
  if (ingest.accepted !== ingest.events) throw new Error(`${ingest.events - ingest.accepted} events refused`);

  t = performance.now();
  await mapConcurrent(asked, concurrency, async ([p, i]) => {
    const plan = plans[p]!;
    const after = new Date(plan.instants[i]!.atMs).toISOString();
    const sent = performance.now();
    const answer = await callApi<EngineAnswer>(
      engine.base,
      'GET',
      `/v1/users/${plan.id}/next-good-time?after=${after}&within=PT24H`,
    );
    latencies.push(performance.now() - sent);
    answers.push(answer);
    picks[p]![i] = answer.at === null ? null : Date.parse(answer.at);
  });
  times.queries = seconds(t);
  console.log(
    `queries: ${asked.length} in ${times.queries} s (${Math.round(asked.length / Number(times.queries))}/s); ` +
      `latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`,
  );
} finally {
  t = performance.now();
  await engine.stop();
  running = undefined;
  times.stop = seconds(t);
}

t = performance.now();
const scores = plans.map((plan, p) => scorePerson(plan, picks[p]!));
const nulls = answers.filter((a) => a.at === null).length;
const notGiven = answers.filter((a) => a.timezoneSource !== 'explicit').length;
const good = answers.filter((a) => a.good).length;
const noHour = plans.reduce((sum, plan) => sum + plan.instants.filter((x) => x.heuristic === null).length, 0);
const leads = (pick: (plan: PersonPlan, p: number, i: number) => number | null) =>
  plans.flatMap((plan, p) =>
    plan.instants.flatMap((x, i) => {
      const ms = pick(plan, p, i);
      return ms === null ? [] : [(ms - x.atMs) / HOUR_MS];
    }),
  );
const median = (values: number[]) => percentile(values, 50).toFixed(1);
const bootstrap = seededRandom(fnv1a('bootstrap', seed));
const rows: [string, Summary][] = [
  ['all, macro', summarise(scores, 'macro', bootstrap, resamples)],
  ['all, micro', summarise(scores, 'micro', bootstrap, resamples)],
  ...TIERS.map(({ name }): [string, Summary] => [
    `${name} train events, macro`,
    summarise(
      scores.filter((s) => tierOf(s.trainEvents) === name),
      'macro',
      bootstrap,
      resamples,
    ),
  ]),
];
times.stats = seconds(t);

console.log(
  `\nengine answers: ${nulls} with no time (counted as misses); ${good} marked good (score >= 0.5);`,
);
console.log(
  `  mean score ${(answers.reduce((sum, a) => sum + a.score, 0) / answers.length).toFixed(3)}; ` +
    `zone not answered as given: ${notGiven}`,
);
console.log(`most-common-hour heuristic: ${noHour} instants with no pick (counted as misses)`);
console.log(
  `median lead from the instant to the pick (h): engine ${median(leads((_, p, i) => picks[p]![i] ?? null))}, ` +
    `heuristic ${median(leads((plan, _, i) => plan.instants[i]!.heuristic))}, ` +
    `random ${median(leads((plan, _, i) => plan.instants[i]!.random[0]!))}`,
);
console.log(
  `\nhit: a test event in [pick, pick + 2 h); ratios with 95% intervals from ${resamples} bootstrap ` +
    `resamples of the people (percentile); random: ${randomDraws} draws per instant, averaged\n`,
);
console.log(markdownTable(rows));
if (new Set(plans.map((plan) => plan.instants.length)).size === 1)
  console.log('(every person has the same number of instants, so macro and micro rates are the same figure)');
console.log(
  `\nelapsed: ${seconds(started)} s (start ${times.start}, policy and zones ${times.zones}, ` +
    `ingest ${times.ingest}, queries ${times.queries}, stop and drop ${times.stop}, stats ${times.stats})`,
);
