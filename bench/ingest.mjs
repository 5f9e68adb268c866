#!/usr/bin/env node
// Ingest over HTTP: sends batches of events for 100,000 users to the service and prints events/s,
// batch latency and the service's peak memory, on PGlite and on PostgreSQL.
//
//   npm run bench:ingest                              both back ends, service started here
//   node bench/ingest.mjs --backend postgres          one back end
//   node bench/ingest.mjs --url http://127.0.0.1:8787 --key <admin key> [--pid <service pid>]
//
// Run `node bench/ingest.mjs --help` for every option.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEventGenerator, pairSeedBodies, prepareBodies } from './lib/events.mjs';
import { assertLoopback, percentile, sendBatches, waitForHealth } from './lib/http-load.mjs';
import {
  backgroundLoad,
  createScratchDatabase,
  freePort,
  machineCpuSeconds,
  postgresCpu,
  postgresCpuDelta,
  procCpuSeconds,
  procMemory,
  sampleRss,
  startService,
} from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');

const USAGE = `Usage: node bench/ingest.mjs [options]

Sends batches of events for --users distinct users over HTTP (keep-alive, --concurrency
connections) to the service: a warm-up, then a measured phase; prints events/s, batches/s,
p50/p95/max batch latency and the service's peak RSS. Bodies are serialised before timing.

Options:
  --backend B        pglite, postgres or both (default both); the service is started here
  --url URL          bench a service already running at URL (127.0.0.1 only) instead
  --key KEY          its API key (needed with --url)
  --pid PID          its process id, to report its RSS and CPU (optional, with --url)
  --events N         events in the measured phase (default 300000 on PostgreSQL, 100000 on PGlite)
  --warmup N         events sent before measuring (default 20000 on PostgreSQL, 10000 on PGlite)
  --batch N          events per request (default 1000, the API's maximum)
  --users N          distinct users (default 100000)
  --concurrency N    parallel connections (default 4)
  --pg-server URL    PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)
  --pool-size N      OVERTURE_POOL_SIZE for the started service (default: the service's default)
  --node-args=ARGS   extra node flags for the started service, e.g. --node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"
  --keep             keep the PostgreSQL database and PGlite directory afterwards
  --with-outcomes    PostgreSQL only: before the warm-up, give each user's main character a proactive
                     message every 12 hours over the events' three weeks, each with a 6-hour
                     attribution window (42 outcomes a user), so that about half the messages fall
                     in a window and are attributed as they arrive; then vacuums the table and
                     takes a checkpoint, as a database that wrote them over weeks would be (the
                     windows already past are settled, as the settling pass would have done)
  --outcomes-every H with --with-outcomes: one proactive message every H hours instead of 12 (56: three
                     a week, the most the default policy lets one character send a user)
  --live             events within the last minute, as a bot forwards them when they happen, instead of
                     spread over three weeks; with --with-outcomes the proactive messages are spaced
                     back from now, so about 6 users in every H have a window open
  --seed-pairs       before timing, create every user and its main character's pair (one
                     session_start each, 22 days ago); implied by --with-outcomes, which also
                     gives each pair its span of outcomes (migration 0026)
  --json FILE        also write the results as JSON to FILE
  --seed N           generator seed (default 42)
  --wait-quiet S     before measuring, wait up to S seconds for the machine's CPU to be under 15% busy
                     (default 60); measures anyway afterwards, with a warning`;

const DEFAULTS = {
  postgres: { events: 300_000, warmup: 20_000 },
  pglite: { events: 100_000, warmup: 10_000 },
  external: { events: 300_000, warmup: 20_000 },
};

function parseOptions() {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'both' },
      url: { type: 'string' },
      key: { type: 'string' },
      pid: { type: 'string' },
      events: { type: 'string' },
      warmup: { type: 'string' },
      batch: { type: 'string', default: '1000' },
      users: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '4' },
      'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
      'pool-size': { type: 'string' },
      'node-args': { type: 'string', default: '' },
      keep: { type: 'boolean', default: false },
      'with-outcomes': { type: 'boolean', default: false },
      'outcomes-every': { type: 'string', default: '12' },
      live: { type: 'boolean', default: false },
      'seed-pairs': { type: 'boolean', default: false },
      json: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'wait-quiet': { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name, min, max) => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be a whole number ${min}..${max}`);
    return n;
  };
  const options = {
    url: values.url,
    key: values.key,
    pid: int('pid', 1, 2 ** 22),
    events: int('events', 1, 100_000_000),
    warmup: int('warmup', 0, 100_000_000),
    batch: int('batch', 1, 1000),
    users: int('users', 1, 100_000_000),
    concurrency: int('concurrency', 1, 256),
    poolSize: int('pool-size', 1, 200),
    pgServer: values['pg-server'].replace(/\/+$/, ''),
    nodeArgs: values['node-args'].split(/\s+/).filter(Boolean),
    keep: values.keep,
    withOutcomes: values['with-outcomes'],
    outcomesEvery: int('outcomes-every', 1, 21 * 24),
    live: values.live,
    seedPairs: values['seed-pairs'] || values['with-outcomes'],
    json: values.json,
    seed: int('seed', 0, 2 ** 31),
    waitQuiet: int('wait-quiet', 0, 3600),
  };
  if (options.url) {
    assertLoopback(options.url);
    if (!options.key) throw new Error('--url needs --key <API key with the write scope>');
    options.backends = ['external'];
  } else {
    const b = values.backend;
    if (!['pglite', 'postgres', 'both'].includes(b))
      throw new Error('--backend must be pglite, postgres or both');
    options.backends = b === 'both' ? ['pglite', 'postgres'] : [b];
    const pgHost = new URL(options.pgServer).hostname;
    if (!['127.0.0.1', 'localhost'].includes(pgHost)) throw new Error('--pg-server must be on 127.0.0.1');
  }
  return options;
}

const fmt = (n, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const mib = (bytes) => (bytes === null || bytes === undefined ? 'n/a' : `${fmt(bytes / 1048576)} MiB`);

/** Runs warm-up and measured phase against a healthy service at `base`. */
async function measure({ label, base, key, pid, database, options, counts }) {
  const runId = `b${Date.now().toString(36)}`;
  const generator = createEventGenerator({
    users: options.users,
    runId,
    seed: options.seed,
    live: options.live,
  });
  const warm = prepareBodies(generator, counts.warmup, options.batch);
  const main = prepareBodies(generator, counts.events, options.batch);
  console.log(
    `[${label}] generator: ${fmt(counts.warmup + counts.events)} events serialised in ${fmt(warm.seconds + main.seconds, 2)} s ` +
      `(${fmt((counts.warmup + counts.events) / (warm.seconds + main.seconds))} events/s, ` +
      `${fmt(main.bytes / main.bodies.length / 1024)} KiB per batch), before any timing`,
  );

  if (warm.bodies.length > 0) {
    const w = await sendBatches({ base, key, bodies: warm.bodies, concurrency: options.concurrency });
    console.log(
      `[${label}] warm-up: ${fmt(counts.warmup)} events in ${fmt(w.seconds, 2)} s (${fmt(counts.warmup / w.seconds)} events/s)`,
    );
  }

  // This machine may be shared: wait (bounded) for other programs to go quiet before measuring.
  let load = await backgroundLoad();
  const quietBy = Date.now() + options.waitQuiet * 1000;
  while (load > 0.15 && Date.now() < quietBy) load = await backgroundLoad();
  console.log(`[${label}] machine CPU busy just before measuring: ${fmt(100 * load)}%`);
  if (load > 0.15) {
    console.warn(`[${label}] WARNING: something else is using the CPU; figures will be low and noisy`);
  }
  const rss = pid ? sampleRss(pid) : null;
  const pg0 = database ? postgresCpu(database) : null;
  const cpu0 = {
    service: pid ? procCpuSeconds(pid) : null,
    bench: process.cpuUsage(),
    machine: machineCpuSeconds(),
  };
  let run;
  try {
    run = await sendBatches({ base, key, bodies: main.bodies, concurrency: options.concurrency });
  } finally {
    rss?.stop();
  }
  const benchCpu = process.cpuUsage(cpu0.bench);
  const machine = machineCpuSeconds();
  const pgCpu = pg0 ? postgresCpuDelta(pg0, postgresCpu(database)) : null;
  const serviceCpu = pid ? procCpuSeconds(pid) - cpu0.service : null;
  const peakRssLoad = rss ? rss.stop() : null;
  const machineBusy = machine.busy - cpu0.machine.busy;
  const benchSeconds = (benchCpu.user + benchCpu.system) / 1e6;

  return {
    label,
    events: counts.events,
    warmupEvents: counts.warmup,
    batchSize: options.batch,
    batches: main.bodies.length,
    concurrency: options.concurrency,
    users: options.users,
    distinctUsersSent: generator.distinctUsers(),
    seconds: run.seconds,
    eventsPerSecond: counts.events / run.seconds,
    batchesPerSecond: main.bodies.length / run.seconds,
    latencyMs: {
      p50: percentile(run.latenciesMs, 50),
      p95: percentile(run.latenciesMs, 95),
      p99: percentile(run.latenciesMs, 99),
      max: percentile(run.latenciesMs, 100),
    },
    accepted: run.accepted,
    duplicates: run.duplicates,
    generatorEventsPerSecond: (counts.warmup + counts.events) / (warm.seconds + main.seconds),
    requestBytes: main.bytes,
    peakRssDuringLoad: peakRssLoad,
    cpuSeconds: {
      machineBusy,
      machineCapacity: machine.total - cpu0.machine.total,
      service: serviceCpu,
      bench: benchSeconds,
      postgresBackends: pgCpu ? pgCpu.backends : null,
      postgresOther: pgCpu ? pgCpu.others : null,
      // clamped: per-process and machine counters tick separately, so the difference can dip below 0
      rest:
        serviceCpu === null
          ? null
          : Math.max(
              0,
              machineBusy - serviceCpu - benchSeconds - (pgCpu ? pgCpu.backends + pgCpu.others : 0),
            ),
    },
    backgroundLoadBefore: load,
  };
}

async function runBackend(backend, options) {
  const counts = {
    events: options.events ?? DEFAULTS[backend].events,
    warmup: options.warmup ?? DEFAULTS[backend].warmup,
  };
  if (backend === 'external') {
    await waitForHealth(options.url, { timeoutMs: 10_000 });
    const result = await measure({
      label: 'external',
      base: options.url,
      key: options.key,
      pid: options.pid,
      options,
      counts,
    });
    result.peakRss = options.pid ? procMemory(options.pid, 'VmHWM') : null;
    return result;
  }

  const port = await freePort();
  const key = `bench-admin-${Math.random().toString(36).slice(2)}-key`;
  const env = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', OVERTURE_ADMIN_KEY: key };
  if (options.poolSize) env.OVERTURE_POOL_SIZE = String(options.poolSize);
  const cleanups = [];
  let scratch;
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'overture-bench-'));
    env.OVERTURE_DATA_DIR = dir;
    env.DATABASE_URL = '';
    if (!options.keep) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    else console.log(`[pglite] data directory kept: ${dir}`);
  } else {
    const name = `bench_ingest_${process.pid}_${Date.now().toString(36)}`;
    scratch = await createScratchDatabase(options.pgServer, name);
    env.DATABASE_URL = scratch.url;
    if (!options.keep) cleanups.push(() => scratch.drop());
    else console.log(`[postgres] database kept: ${name}`);
  }

  const base = `http://127.0.0.1:${port}`;
  const service = startService({ entry: ENTRY, env, nodeArgs: options.nodeArgs });
  const stopOnSignal = () => service.stop(2000);
  process.once('SIGINT', stopOnSignal);
  try {
    const t0 = Date.now();
    await waitForHealth(base, { timeoutMs: 90_000, isAlive: service.isAlive });
    console.log(
      `[${backend}] service pid ${service.pid} healthy on ${base} after ${fmt((Date.now() - t0) / 1000, 1)} s`,
    );
    if (options.seedPairs) {
      const seeded = await sendBatches({
        base,
        key,
        bodies: pairSeedBodies({
          users: options.users,
          runId: `s${Date.now().toString(36)}`,
          batchSize: options.batch,
        }),
        concurrency: options.concurrency,
      });
      console.log(
        `[${backend}] ${fmt(options.users)} users and pairs created in ${fmt(seeded.seconds, 1)} s, before timing`,
      );
    }
    if (options.withOutcomes) {
      if (!scratch) throw new Error('--with-outcomes needs --backend postgres');
      const started = Date.now();
      const every = options.outcomesEvery;
      const perUser = Math.floor((21 * 24) / every);
      // live: user u's latest message was (u mod every) hours ago, so about 6 users in `every` are
      // inside a window now; else spread over the events' three weeks
      const first = options.live
        ? `now() - ((u % ${every}) + k * ${every}) * interval '1 hour'`
        : `now() - interval '21 days' + k * interval '${every} hours'`;
      // the generator's clock and this one agree to within the setup's seconds
      await scratch.query(
        `insert into outcomes (tenant_id, user_id, outcome_id, character_id, at, window_ends_at, created_at, updated_at, settled_at)
         select 'default', 'u' || u, 'bench-' || u || '-' || k, 'c' || (u % 20),
           ${first}, ${first} + interval '6 hours', now(), now(),
           -- the settling pass would have stamped every window that has passed, as it went by
           case when ${first} + interval '6 hours' <= now() then ${first} + interval '6 hours' end
         from generate_series(0, ${options.users - 1}) u, generate_series(0, ${perUser - 1}) k`,
      );
      // each pair's span of outcomes, as the deliveries would have kept it (migration 0026)
      await scratch.query(
        `update user_characters p set outcomes_from = o.first_at, outcomes_until = o.last_end
         from (select tenant_id, user_id, character_id, min(at) as first_at, max(window_ends_at) as last_end
               from outcomes group by tenant_id, user_id, character_id) o
         where p.tenant_id = o.tenant_id and p.user_id = o.user_id and p.character_id = o.character_id`,
      );
      await scratch.query('vacuum (analyze) user_characters');
      // as autovacuum would have left three weeks of outcomes: hint bits and the visibility map
      // set, statistics taken; and the bulk insert's dirty pages written out, so that the
      // measured phase does not pay for flushing them (ingest without outcomes has no such setup)
      await scratch.query('vacuum (analyze) outcomes');
      await scratch.query('checkpoint');
      console.log(
        `[${backend}] ${fmt(options.users * perUser)} outcomes (one every ${every} h a user) written in ${fmt((Date.now() - started) / 1000, 1)} s`,
      );
    }
    const database = scratch ? new URL(scratch.url).pathname.slice(1) : undefined;
    const result = await measure({ label: backend, base, key, pid: service.pid, database, options, counts });
    result.peakRss = procMemory(service.pid, 'VmHWM');
    if (scratch) {
      const [row] = await scratch.query(
        'select (select count(*) from events) as events, (select count(*) from users) as users',
      );
      result.stored = { events: Number(row.events), users: Number(row.users) };
      if (options.withOutcomes) {
        const [replied] = await scratch.query(
          'select count(*) as n from outcomes where reply_event_id is not null',
        );
        console.log(`[${backend}] outcomes with a reply after the run: ${fmt(Number(replied.n))}`);
      }
    }
    return result;
  } catch (error) {
    console.error(
      `[${backend}] service output (last lines):\n${service.output().split('\n').slice(-30).join('\n')}`,
    );
    throw error;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    const exit = await service.stop();
    if (exit.code !== 0 && exit.signal !== 'SIGTERM') {
      console.error(`[${backend}] service exited with ${exit.code ?? exit.signal}`);
    }
    for (const cleanup of cleanups) await cleanup();
  }
}

function report(r) {
  const c = r.cpuSeconds;
  const perK = (x) => (x === null ? 'n/a' : fmt((x * 1e6) / r.events, 1));
  const share = (x) =>
    x === null
      ? 'n/a'
      : `${fmt(x, 1)} s (${fmt((100 * x) / c.machineCapacity)}% of ${os.cpus().length} cores)`;
  console.log(`
== ${r.label}: ${fmt(r.events)} events measured (after ${fmt(r.warmupEvents)} warm-up), ${fmt(r.batches)} batches of ${fmt(r.batchSize)}, ${r.concurrency} connections, ${fmt(r.distinctUsersSent)} of ${fmt(r.users)} users
  events/s               ${fmt(r.eventsPerSecond)}
  batches/s              ${fmt(r.batchesPerSecond, 1)}
  batch latency          p50 ${fmt(r.latencyMs.p50, 1)} ms, p95 ${fmt(r.latencyMs.p95, 1)} ms, p99 ${fmt(r.latencyMs.p99, 1)} ms, max ${fmt(r.latencyMs.max, 1)} ms
  wall time              ${fmt(r.seconds, 2)} s
  accepted / duplicates  ${fmt(r.accepted)} / ${fmt(r.duplicates)}${r.stored ? `   (rows in database: ${fmt(r.stored.events)} events, ${fmt(r.stored.users)} users)` : ''}
  service peak RSS       ${mib(r.peakRss)} (VmHWM, whole life incl. start-up); ${mib(r.peakRssDuringLoad)} sampled during the measured phase
  CPU, measured phase    machine ${share(c.machineBusy)}
                           service process        ${share(c.service)}${r.label === 'pglite' ? ' (PGlite runs inside it)' : ''}${
                             c.postgresBackends === null
                               ? ''
                               : `
                           PostgreSQL backends    ${share(c.postgresBackends)} (sessions of the bench database)
                           PostgreSQL other       ${share(c.postgresOther)} (WAL writer, checkpointer, other sessions)`
                           }
                           bench client           ${share(c.bench)}
                           everything else        ${share(c.rest)} (kernel, other programs)
  CPU per 1,000 events   service ${perK(c.service)} ms${c.postgresBackends === null ? '' : `, PostgreSQL backends ${perK(c.postgresBackends)} ms`}
  generator              ${fmt(r.generatorEventsPerSecond)} events/s (serialised before timing)`);
}

async function main() {
  const options = parseOptions();
  const results = [];
  console.log(
    `Ingest over HTTP, ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM`,
  );
  for (const backend of options.backends) {
    const result = await runBackend(backend, options);
    report(result);
    results.push(result);
    const expected = result.events;
    if (result.accepted + result.duplicates !== expected) {
      throw new Error(
        `${backend}: the service answered for ${result.accepted + result.duplicates} events, ${expected} were sent`,
      );
    }
  }
  console.log(
    '\n| backend | events | events/s | batches/s | p50 ms | p95 ms | peak RSS (VmHWM) | RSS under load |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${fmt(r.events)} | ${fmt(r.eventsPerSecond)} | ${fmt(r.batchesPerSecond, 1)} | ${fmt(r.latencyMs.p50, 1)} | ${fmt(r.latencyMs.p95, 1)} | ${mib(r.peakRss)} | ${mib(r.peakRssDuringLoad)} |`,
    );
  }
  if (options.json) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  console.error(`bench:ingest failed: ${error.message}`);
  process.exitCode = 1;
});
