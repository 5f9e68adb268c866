/**
 * npm run eval:activity-dev -- [--zones given|none|half | --all-modes] [--users N] [...]
 *
 * Evaluates the engine's activity model on real activity (the activity-dev data folder: commit
 * times of 1,875 people) through its HTTP API: starts `overture serve` on a scratch PostgreSQL
 * database, ingests each person's train events, reads their heatmap as of their cutoff, and scores
 * the heatmaps against the baselines with the folder's own scorer. docs/EVALUATION.md explains it.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDevUsers } from './dataset.js';
import { buildEngine, type RunningEngine } from './engine.js';
import { CLOCKS, type ClockMode, evaluateMode } from './evaluate.js';
import { MODES, type Mode, zoneIsGiven } from './modes.js';
import {
  COMMON_OPTIONS,
  DEFAULT_DATA_DIR,
  DEFAULT_PG_SERVER,
  helpIfAsked,
  ROOT,
  wholeNumber,
} from './options.js';
import { runScorer, writeHeatmaps } from './report.js';

const USAGE = `usage: npm run eval:activity-dev -- [options]

  --zones MODE        given (default): each person's zone, mapped from their train offsets, is set;
                      none: no zone, events sent as UTC; offsets: no zone, events keep their offsets;
                      half: given for ids ending 0-7, none for the rest
  --all-modes         run given, none and half, each on its own scratch database
  --clock CLOCK       system (default): the engine runs on the system clock, all events go in first
                      and each person is read as of their cutoff; replay: the engine runs on a test
                      clock that follows the events, and each person is read when it reaches their cutoff
  --users N           only the first N people by id (quick runs; scores not comparable with the README's)
  --concurrency N     requests in flight (default 4)
  --batch N           events per POST /v1/events, at most 1000 (default 1000)
  --data DIR          the data folder (default: shared/data/activity-dev beside the repository)
  --out DIR           where the heatmap files go (default: a new temporary directory)
  --pg-server URL     PostgreSQL server for the scratch databases (default postgres://postgres@127.0.0.1:5432)
  --keep-db           keep the scratch databases afterwards
  --help              this text`;

const { values } = parseArgs({
  options: {
    zones: { type: 'string', default: 'given' },
    'all-modes': { type: 'boolean', default: false },
    clock: { type: 'string', default: 'system' },
    ...COMMON_OPTIONS,
    out: { type: 'string' },
  },
});
helpIfAsked(values, USAGE);

const modes: Mode[] = values['all-modes'] ? [...MODES] : [values.zones as Mode];
if (!MODES.includes(modes[0]!)) throw new Error(`--zones must be one of ${MODES.join(', ')}`);
const clock = values.clock as ClockMode;
if (!CLOCKS.includes(clock)) throw new Error(`--clock must be one of ${CLOCKS.join(', ')}`);
const limit = values.users === undefined ? undefined : wholeNumber('users', values.users);
const concurrency = wholeNumber('concurrency', values.concurrency, 64);
const batchSize = wholeNumber('batch', values.batch, 1000);
const dataDir = resolve(values.data);
const outDir = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'overture-activity-dev-'));
mkdirSync(outDir, { recursive: true });

const commit = buildEngine(ROOT);

const started = performance.now();
const users = loadDevUsers(dataDir, limit);
const events = users.reduce((sum, user) => sum + user.train.length, 0);
console.log(`# Activity model on real activity (${dataDir})`);
console.log(
  `${users.length} people, ${events} train events; engine at commit ${commit}; ${new Date().toISOString()}`,
);
if (limit !== undefined)
  console.log(`NOTE: a subset (first ${limit} by id): scores are not comparable with the README's table`);

let running: RunningEngine | undefined;
process.once('SIGINT', () => {
  console.log('interrupted: stopping the service');
  void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

const elapsed: string[] = [];
for (const mode of modes) {
  const label = clock === 'system' ? mode : `${mode}-replay`;
  console.log(`\n## zones: ${mode}, clock: ${clock}`);
  const modeStarted = performance.now();
  const result = await evaluateMode(mode, users, {
    root: ROOT,
    pgServer: values['pg-server'],
    keepDb: values['keep-db'],
    clock,
    concurrency,
    batchSize,
    onStart: (engine) => {
      running = engine;
    },
  });
  const meta = {
    model: 'overture',
    commit,
    zones: mode,
    clock,
    at: "each person's cutoff",
    users: users.length,
  };
  const scoring = [
    runScorer(dataDir, [[`overture-${label}`, writeHeatmaps(outDir, label, meta, result.heatmaps)]]),
  ];
  if (mode === 'half') {
    for (const given of [true, false]) {
      const half = new Map([...result.heatmaps].filter(([id]) => zoneIsGiven(mode, id) === given));
      const name = `${label}-${given ? 'given' : 'none'}`;
      if (half.size === 0) {
        console.log(`\n## ${name}: nobody in this half`);
        continue;
      }
      console.log(`\n## ${name}: the ${half.size} people whose zone was ${given ? '' : 'not '}given`);
      scoring.push(runScorer(dataDir, [[`overture-${name}`, writeHeatmaps(outDir, name, meta, half)]]));
    }
  }
  const t = result.timings;
  const s = (n: number | undefined) => (n ?? 0).toFixed(1);
  elapsed.push(
    `${label}: total ${s((performance.now() - modeStarted) / 1000)} s (start ${s(t.start)}, zones ${s(t.zones)}, ` +
      `ingest ${s(t.ingest)} at ${Math.round(result.eventsPerSecond)} events/s, read ${s(t.read)}, ` +
      `stop and drop ${s(t.stop)}, scoring ${scoring.map((x) => x.toFixed(1)).join(' + ')})`,
  );
}
console.log(`\nelapsed: ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const line of elapsed) console.log(`  ${line}`);
console.log(`heatmaps in ${outDir}`);
