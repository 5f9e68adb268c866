#!/usr/bin/env node
// Activity model (pure): observations per second of `observeActivity` on one core, zone
// conversion included, and the per-query cost of activityDistribution + assessHour + bestHours.
//
//   npm run bench:activity                 builds, then runs with the defaults
//   node bench/activity-model.mjs --help   every option
//
// Runs on the compiled code in dist/ (build first). Node runs JavaScript on one thread, so every
// figure is for one core.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { arrivalOrder, generateActivity, outOfOrderShare, ZONES } from './lib/activity-stream.mjs';
import { backgroundLoad, machineCpuSeconds } from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DAY = 86_400_000;

const USAGE = `Usage: node bench/activity-model.mjs [options]

Feeds pre-generated event streams (users in ${ZONES.length} IANA zones, months of events, in order and
slightly out of order) to observeActivity, one model per user and one ZoneCache for all, and prints
the median observations/s of --runs measured runs after a warm-up; then the cost of one query
(countsAt + activityDistribution + assessHour + bestHours) in microseconds.

Options:
  --users N           models (default 10000)
  --events N          events per stream (default 2000000)
  --days N            span of the events in days, from Monday 2026-01-05 (default 308: both DST
                      changes in both hemispheres)
  --half-life-days N  the histograms' half-life (default 21, the engine's default)
  --runs N            measured runs per stream (default 7)
  --queries N         users sampled for the query cost (default 1000)
  --seed N            generator seed (default 42)
  --json FILE         also write the results as JSON to FILE
  --dist DIR          the compiled code to measure (default dist/ of this repository); a scratch copy
                      with a proposed change is measured the same way
  --wait-quiet S      before measuring, wait up to S seconds for the rest of the machine to be under
                      15% busy (default 60); measures anyway afterwards, with a warning`;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    events: { type: 'string', default: '2000000' },
    days: { type: 'string', default: '308' },
    'half-life-days': { type: 'string', default: '21' },
    runs: { type: 'string', default: '7' },
    queries: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    json: { type: 'string' },
    dist: { type: 'string' },
    'wait-quiet': { type: 'string', default: '60' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
// --dist runs the same benchmark on another build, e.g. a scratch copy holding a proposed change
const DIST = join(resolve(args.dist ?? join(ROOT, 'dist')), 'domain');
// the activity model's files, and local time from the domain's shared folder
const load = (file) =>
  import(pathToFileURL(join(DIST, file === 'local-time.js' ? 'shared' : 'activity', file)).href);
const { countsAt, totalAt } = await load('histogram.js');
const { ZoneCache } = await load('local-time.js');
const { activityDistribution, confidenceOf, populationDistribution } = await load('profile.js');
const { assessHour, bestHours } = await load('good-time.js');
const { emptyUserActivity, observeActivity } = await load('user-activity.js');

const USERS = Number(args.users);
const EVENTS = Number(args.events);
const DAYS = Number(args.days);
const HALF_LIFE = Number(args['half-life-days']) * DAY;
const RUNS = Number(args.runs);
const QUERIES = Math.min(Number(args.queries), USERS);
const SEED = Number(args.seed);
const START = Date.parse('2026-01-05T00:00:00Z'); // a Monday
const END = START + DAYS * DAY;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

// ---- inputs, before any timing -------------------------------------------------------------

const generation = performance.now();
const genZones = new ZoneCache(); // the generator's own, so the measured cache starts empty
const { users, stream: inOrder } = generateActivity({
  users: USERS,
  events: EVENTS,
  startMs: START,
  days: DAYS,
  seed: SEED,
  zoneOf: (name) => genZones.get(name),
});
const late = arrivalOrder(inOrder, {
  seed: SEED + 1,
  lateShare: 0.1,
  lateMs: 15 * 60_000,
  offlineShare: 0.005,
  offlineMs: 2 * DAY,
});
const zoneNameOf = Array.from(users.zone, (z) => ZONES[z][0]);
const STREAMS = [
  { name: 'in order', stream: inOrder, outOfOrder: outOfOrderShare(inOrder) },
  { name: 'slightly out of order', stream: late, outOfOrder: outOfOrderShare(late) },
];
console.log(
  `generated ${USERS.toLocaleString('en-US')} users in ${ZONES.length} zones, ${EVENTS.toLocaleString('en-US')} events over ` +
    `${DAYS} days (${new Date(START).toISOString().slice(0, 10)} to ${new Date(END).toISOString().slice(0, 10)}), ` +
    `half-life ${HALF_LIFE / DAY} days, in ${((performance.now() - generation) / 1000).toFixed(1)} s`,
);
for (const s of STREAMS) {
  console.log(
    `  stream "${s.name}": ${(100 * s.outOfOrder).toFixed(1)}% of events older than one before them`,
  );
}

/** Fresh models as the engine would load them: empty, zone already known (set by the bot). */
function freshModels() {
  const models = new Array(USERS);
  for (let u = 0; u < USERS; u++) {
    const m = emptyUserActivity(START);
    m.localZone = zoneNameOf[u];
    m.localZoneSource = 'explicit';
    models[u] = m;
  }
  return models;
}

// ---- the measured loop ---------------------------------------------------------------------

/**
 * One pass over a stream as the engine's ingest does it: per event, the user's zone from the
 * engine's ZoneCache (a Map lookup by name) and `observeActivity`.
 */
function feed(stream, models, zones) {
  const { user, at } = stream;
  for (let i = 0; i < user.length; i++) {
    const u = user[i];
    observeActivity(models[u], at[i], zones.get(zoneNameOf[u]), 'explicit', HALF_LIFE);
  }
}

function timedFeed(stream, zones) {
  const models = freshModels();
  gc();
  const { ms, others } = measureLoad(() => feed(stream, models, zones));
  return { models, ms, perSecond: (stream.user.length / ms) * 1000, others };
}

/**
 * Runs `work` and returns its wall time and the share of the machine's CPU that other processes
 * used meanwhile (this process's own CPU, helper threads included, is subtracted).
 */
function measureLoad(work) {
  const machine0 = machineCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = work();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineCpuSeconds();
  const totalS = machine1.total - machine0.total;
  const busyS = machine1.busy - machine0.busy - (cpu.user + cpu.system) / 1e6;
  return { result, ms, others: totalS > 0 ? Math.max(0, busyS / totalS) : 0 };
}

/** Runs in which other processes used more than this share of the machine are flagged. */
const QUIET = 0.15;

await waitForQuiet(Number(args['wait-quiet']));
const zones = new ZoneCache(); // one per engine
// the first pass fills the zone cache: Intl is called twice per (zone, UTC day) and per quarter
// hour of the days on which an offset changes
const cold = timedFeed(inOrder, zones);
console.log(
  `\nfirst pass, empty zone cache (JIT cold too): ${fmt(cold.perSecond)} observations/s ` +
    `(${((cold.ms * 1e6) / EVENTS).toFixed(0)} ns each)`,
);
for (let w = 0; w < 2; w++) for (const s of STREAMS) timedFeed(s.stream, zones); // warm-up

const results = Object.fromEntries(STREAMS.map((s) => [s.name, []]));
let lastModels;
for (let r = 0; r < RUNS; r++) {
  for (const s of STREAMS) {
    const run = timedFeed(s.stream, zones);
    // keep the figures only: 10,000 models are 30 MB, and each run builds its own
    results[s.name].push({ perSecond: run.perSecond, others: run.others });
    lastModels = run.models;
  }
}

console.log(
  `\nobserveActivity, ${RUNS} runs per stream after a warm-up of 2, one core (node runs JavaScript on one thread):`,
);
const summary = {};
for (const s of STREAMS) {
  const runs = results[s.name];
  const rates = runs.map((r) => r.perSecond).sort((a, b) => a - b);
  const median = percentile(rates, 0.5);
  const quiet = runs
    .filter((r) => r.others <= QUIET)
    .map((r) => r.perSecond)
    .sort((a, b) => a - b);
  const othersMax = Math.max(...runs.map((r) => r.others));
  summary[s.name] = {
    medianPerSecond: median,
    minPerSecond: rates[0],
    maxPerSecond: rates[rates.length - 1],
    nsPerObservation: 1e9 / median,
    quietRuns: quiet.length,
    quietMedianPerSecond: quiet.length > 0 ? percentile(quiet, 0.5) : null,
    othersCpuMax: othersMax,
  };
  console.log(
    `  ${s.name.padEnd(22)} median ${fmt(median)}/s (${(1e9 / median).toFixed(0)} ns each), ` +
      `min ${fmt(rates[0])}, max ${fmt(rates[rates.length - 1])}; ` +
      `other processes used at most ${(100 * othersMax).toFixed(0)}% of the machine`,
  );
  if (othersMax > QUIET) {
    console.log(
      `  ${''.padEnd(22)} ${quiet.length} of ${runs.length} runs had the rest of the machine under ${100 * QUIET}% busy` +
        (quiet.length > 0 ? `; their median ${fmt(percentile(quiet, 0.5))}/s` : ''),
    );
  }
}

// ---- where the time of one observation goes --------------------------------------------------

const histogram = await load('histogram.js');
const { hourOfWeekAt } = await load('local-time.js');
const { GENERIC_PROFILE } = await load('profile.js');
const { refreshInference, emptyUserActivity: emptyModel } = await load('user-activity.js');
const { resolveZone } = await load('zone-inference.js');
const { result: parts, others: partsOthers } = measureLoad(() => breakdown(inOrder, zones));
console.log(
  `\nparts of one observation (in-order stream, median of 5 passes each; other processes used ` +
    `${(100 * partsOthers).toFixed(0)}% of the machine meanwhile):`,
);
for (const [name, ns] of Object.entries(parts)) console.log(`  ${name.padEnd(66)} ${ns.toFixed(1)} ns`);

function breakdown(stream, zoneCache) {
  const { user, at } = stream;
  const n = user.length;
  const zoneOf = Array.from(zoneNameOf, (name) => zoneCache.get(name));
  let sink = 0;
  const passes = {
    'ZoneCache.get (Map by zone name)': () => {
      for (let i = 0; i < n; i++) sink += zoneCache.get(zoneNameOf[user[i]]).zone.length;
    },
    'ZoneOffsets.hourOfWeek (cached offset)': () => {
      for (let i = 0; i < n; i++) sink += zoneOf[user[i]].hourOfWeek(at[i]);
    },
    'hourOfWeekAt (UTC)': () => {
      for (let i = 0; i < n; i++) sink += hourOfWeekAt(at[i]);
    },
    'two histogram observes, hours precomputed': (models, hours) => {
      for (let i = 0; i < n; i++) {
        const m = models[user[i]];
        histogram.observe(m.local, hours[i], at[i], HALF_LIFE);
        histogram.observe(m.utc, hours[i], at[i], HALF_LIFE);
      }
    },
    'observeActivity, zone offsets resolved per user': (models) => {
      for (let i = 0; i < n; i++) {
        const u = user[i];
        observeActivity(models[u], at[i], zoneOf[u], 'explicit', HALF_LIFE);
      }
    },
    'observeActivity with ZoneCache.get (the measured loop)': (models) => feed(stream, models, zoneCache),
    "ingest's pure per-event work (foldUser), 1 user in 5 without a zone": (models) => {
      // as src/engine/activity/activity.ts does per event: refreshInference when the bot gave no zone,
      // resolveZone, ZoneCache.get, observeActivity, and the population's histogram
      // the tenant's users live in the benchmark's zones, as the engine would count them
      const tenant = {
        population: GENERIC_PROFILE,
        zones: [...new Set(zoneNameOf)].map((zone) => ({ zone, users: 10 })),
        offsets: zoneCache,
      };
      const populationDelta = histogram.emptyHistogram(START);
      for (let u = 0; u < USERS; u += 5) models[u] = emptyModel(START);
      for (let i = 0; i < n; i++) {
        const u = user[i];
        const atMs = at[i];
        const model = models[u];
        const explicit = u % 5 === 0 ? null : zoneNameOf[u];
        if (!explicit) {
          refreshInference(model, tenant, atMs, HALF_LIFE);
        }
        const zone = resolveZone({ explicit, inferred: model.inferred, defaultZone: 'UTC' });
        const offsets = zoneCache.get(zone.zone);
        const weight = observeActivity(model, atMs, offsets, zone.source, HALF_LIFE);
        if (zone.source === 'explicit') {
          histogram.observe(populationDelta, offsets.hourOfWeek(atMs), atMs, HALF_LIFE, weight);
        }
      }
    },
  };
  const hours = new Uint8Array(n);
  for (let i = 0; i < n; i++) hours[i] = hourOfWeekAt(at[i]);
  const out = {};
  for (const [name, pass] of Object.entries(passes)) {
    const samples = [];
    for (let r = 0; r < 6; r++) {
      const models = freshModels();
      gc();
      const t0 = performance.now();
      pass(models, hours);
      if (r > 0) samples.push(((performance.now() - t0) * 1e6) / n);
    }
    out[name] = percentile(
      samples.sort((a, b) => a - b),
      0.5,
    );
  }
  if (sink === 42) console.log(''); // keeps the loops from being optimised away
  return out;
}

// ---- what the zone cache saves ---------------------------------------------------------------

const intl = measureIntl();
console.log(
  `\nzone cache: filling one (zone, UTC day) costs ${intl.fillMicroseconds.toFixed(1)} µs (two Intl formatToParts); ` +
    `Intl formatToParts per event instead would cost ${intl.perEventNs.toFixed(0)} ns an event`,
);

/** The Intl work that ZoneOffsets caches: per new (zone, day), and what it would be per event. */
function measureIntl() {
  const days = 1000;
  const t0 = performance.now();
  for (const [name] of ZONES) {
    const fresh = new ZoneCache().get(name);
    for (let d = 0; d < days; d++) fresh.offsetMinutes(START + d * DAY + 43_200_000);
  }
  const fillMicroseconds = ((performance.now() - t0) * 1000) / (days * ZONES.length);
  const formats = ZONES.map(
    ([name]) =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        weekday: 'short',
        hour: 'numeric',
      }),
  );
  const n = 100_000;
  let sink = 0;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    sink += formats[users.zone[inOrder.user[i]]].formatToParts(new Date(inOrder.at[i])).length;
  }
  const perEventNs = ((performance.now() - t1) * 1e6) / n;
  if (sink === 42) console.log('');
  return { fillMicroseconds, perEventNs };
}

// ---- one query: the pure work behind "is now good?" -----------------------------------------

const population = populationOf(lastModels, END);
const { result: query, others: queryOthers } = measureLoad(() => measureQueries(lastModels, population));
console.log(
  `\none query (${QUERIES.toLocaleString('en-US')} users, median of 9 rounds, microseconds per call; ` +
    `other processes used ${(100 * queryOthers).toFixed(0)}% of the machine meanwhile):`,
);
for (const [name, us] of Object.entries(query)) console.log(`  ${name.padEnd(66)} ${us.toFixed(2)} µs`);

const sanity = checkPlacement(lastModels, population);
console.log(
  `\nsanity (zones applied right): best local hour in 18:00-23:59 for ${(100 * sanity.evening).toFixed(0)}% of ` +
    `${sanity.users.evening} evening users, in 08:00-17:59 for ${(100 * sanity.office).toFixed(0)}% of ` +
    `${sanity.users.office} office users (users with >= 16 decayed events at the end)`,
);

function populationOf(models, nowMs) {
  const sum = new Float64Array(168);
  for (const m of models) {
    const c = countsAt(m.local, nowMs, HALF_LIFE);
    const total = totalAt(m.local, nowMs, HALF_LIFE);
    // each user weighs the same, so heavy users do not make the population's hours
    if (total > 0) for (let h = 0; h < 168; h++) sum[h] += c[h] / total;
  }
  return populationDistribution(sum);
}

function measureQueries(models, population) {
  const sample = Array.from({ length: QUERIES }, (_, i) => Math.floor((i * USERS) / QUERIES));
  const nowMs = END;
  const hourNow = sample.map((u) => zones.get(zoneNameOf[u]).hourOfWeek(nowMs));
  let sink = 0;
  const counts = new Array(QUERIES);
  const confidence = new Float64Array(QUERIES);
  const dists = new Array(QUERIES);
  const steps = {
    'countsAt + totalAt + confidenceOf': () => {
      for (let i = 0; i < QUERIES; i++) {
        const m = models[sample[i]];
        counts[i] = countsAt(m.local, nowMs, HALF_LIFE);
        confidence[i] = confidenceOf(totalAt(m.local, nowMs, HALF_LIFE));
      }
    },
    activityDistribution: () => {
      for (let i = 0; i < QUERIES; i++) dists[i] = activityDistribution(counts[i], population);
    },
    'assessHour (current local hour)': () => {
      for (let i = 0; i < QUERIES; i++) sink += assessHour(dists[i], hourNow[i], confidence[i]).score;
    },
    'bestHours (top 3)': () => {
      for (let i = 0; i < QUERIES; i++) sink += bestHours(dists[i], 3)[0].probability;
    },
    'whole query (all of the above, in sequence)': () => {
      for (let i = 0; i < QUERIES; i++) {
        const m = models[sample[i]];
        const c = countsAt(m.local, nowMs, HALF_LIFE);
        const conf = confidenceOf(totalAt(m.local, nowMs, HALF_LIFE));
        const d = activityDistribution(c, population);
        sink += assessHour(d, hourNow[i], conf).score + bestHours(d, 3)[0].probability;
      }
    },
  };
  const out = {};
  for (const [name, step] of Object.entries(steps)) {
    for (let w = 0; w < 20; w++) step(); // warm-up
    const samples = [];
    for (let r = 0; r < 9; r++) {
      const t0 = performance.now();
      for (let k = 0; k < 10; k++) step();
      samples.push(((performance.now() - t0) * 1000) / (10 * QUERIES));
    }
    out[name] = percentile(
      samples.sort((a, b) => a - b),
      0.5,
    );
  }
  if (sink === 42) console.log('');
  return out;
}

function checkPlacement(models, population) {
  const hits = { evening: 0, office: 0 };
  const seen = { evening: 0, office: 0 };
  for (let u = 0; u < USERS; u++) {
    const m = models[u];
    const rhythm = users.rhythmNames[users.rhythm[u]];
    // with a half-life of weeks only recent events count: ask for enough decayed evidence that the
    // user's own hours outweigh the population prior
    if (!(rhythm in hits) || totalAt(m.local, END, HALF_LIFE) < 16) continue;
    const hour = bestHours(activityDistribution(countsAt(m.local, END, HALF_LIFE), population), 1)[0].hour;
    seen[rhythm]++;
    if (rhythm === 'evening' ? hour >= 18 : hour >= 8 && hour < 18) hits[rhythm]++;
  }
  return { evening: hits.evening / seen.evening, office: hits.office / seen.office, users: seen };
}

// ---- machine ---------------------------------------------------------------------------------

const machine = {
  date: new Date().toISOString(),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: os.totalmem() / 2 ** 30,
  node: process.version,
  loadavg: os.loadavg(),
};
console.log(
  `\nmachine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB.toFixed(0)} GiB, node ${machine.node}, ` +
    `load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}`,
);
const target =
  summary['slightly out of order'].medianPerSecond >= 1e6 && summary['in order'].medianPerSecond >= 1e6;
console.log(`target >= 1,000,000 observations/s on one core: ${target ? 'met' : 'NOT met'}`);

if (args.json) {
  writeFileSync(
    args.json,
    JSON.stringify(
      {
        machine,
        params: {
          users: USERS,
          events: EVENTS,
          days: DAYS,
          halfLifeDays: HALF_LIFE / DAY,
          runs: RUNS,
          seed: SEED,
        },
        coldPerSecond: cold.perSecond,
        streams: summary,
        runs: Object.fromEntries(
          Object.entries(results).map(([k, v]) => [
            k,
            v.map((r) => ({ perSecond: r.perSecond, others: r.others })),
          ]),
        ),
        parts,
        partsOthersCpu: partsOthers,
        intl,
        queryMicroseconds: query,
        queryOthersCpu: queryOthers,
        sanity,
      },
      null,
      2,
    ),
  );
}

/** Waits until the machine is under 15% busy over a second (this process is idle meanwhile). */
async function waitForQuiet(seconds) {
  const deadline = performance.now() + seconds * 1000;
  let load = await backgroundLoad(1000);
  while (load > 0.15 && performance.now() < deadline) load = await backgroundLoad(1000);
  if (load > 0.15) {
    console.log(
      `warning: the machine was ${(100 * load).toFixed(0)}% busy before measuring (other processes); figures will be low`,
    );
  } else console.log(`machine ${(100 * load).toFixed(0)}% busy before measuring`);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}
