#!/usr/bin/env node
// Hostile traffic against a running service (issue 16, items 6 and 7): what one large nested body
// does to the event loop, what concurrent large batches do to memory, and what a flood of wrong
// keys costs the database.
//
//   npm run build && node bench/limits.mjs                  every scenario
//   node bench/limits.mjs --scenario nested                 one of nested | batches | wrong-keys
//
// Run `node bench/limits.mjs --help` for every option.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { waitForHealth } from './lib/http-load.mjs';
import { createScratchDatabase, freePort, procMemory, sampleRss, startService } from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: node bench/limits.mjs [options]

Starts \`node dist/cli/main.js serve\` (build first) on a free port of 127.0.0.1 for each
scenario, and prints what it measured:

  nested      a 10 MiB nested JSON body ([[[...]]]) sent with a read-only key to
              POST /v1/triggers/{id}/test, then with a write key to POST /v1/events:
              status, response time, and the longest event-loop
              stall (the service's overture_nodejs_eventloop_lag_max_seconds, reset by a
              /metrics read just before) and the longest wait of a /health probe sent every 10 ms
  batches     8 concurrent POST /v1/events of 8 MB each (1,000 events of 8,000 characters):
              statuses, and the service's RSS before and at its peak (sampled every 50 ms)
  wrong-keys  3,000 requests with wrong keys at 500/s from one address: statuses, and how many
              api_keys lookups the database did (idx_scan of api_keys_by_hash, PostgreSQL)

Options:
  --scenario S     nested, batches, wrong-keys or all (default all)
  --backend B      pglite or postgres for nested and batches (default pglite; wrong-keys always
                   runs on PostgreSQL, whose statistics count the lookups)
  --pg-server URL  PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)
  --entry FILE     the service's main.js (default dist/cli/main.js; e.g. an older build to compare)
  --help           this text`;

const { values: opts } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    backend: { type: 'string', default: 'pglite' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    entry: { type: 'string', default: join(ROOT, 'dist', 'cli', 'main.js') },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

const ADMIN_KEY = `bench-admin-${process.pid}-0123456789`;
const MiB = 1024 * 1024;

function send(base, { method = 'GET', path, key, body, agent }) {
  const url = new URL(base);
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
      },
    );
    // a server that answers before reading the whole body may reset the connection: a status of 0
    req.on('error', (error) =>
      resolve({ status: 0, error: error.code ?? error.message, ms: performance.now() - started }),
    );
    req.end(body);
  });
}

async function withService(backend, env, run) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let dataDir;
  let database;
  const serviceEnv = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    OVERTURE_ADMIN_KEY: ADMIN_KEY,
    OVERTURE_SCHEDULER: 'false',
    ...env,
  };
  if (backend === 'postgres') {
    database = await createScratchDatabase(opts['pg-server'], `bench_limits_${process.pid}_${Date.now()}`);
    serviceEnv.DATABASE_URL = database.url;
  } else {
    dataDir = mkdtempSync(join(os.tmpdir(), 'overture-bench-limits-'));
    serviceEnv.OVERTURE_DATA_DIR = dataDir;
  }
  const service = startService({ entry: opts.entry, env: serviceEnv });
  try {
    await waitForHealth(base, { timeoutMs: 180_000, isAlive: service.isAlive });
    return await run({ base, service, database });
  } finally {
    await service.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}

const summarise = (statuses) =>
  Object.entries(
    statuses.reduce((acc, s) => {
      acc[s] = (acc[s] ?? 0) + 1;
      return acc;
    }, {}),
  )
    .map(([s, n]) => `${n} x ${s}`)
    .join(', ');

async function lagMaxSeconds(base) {
  const res = await send(base, { path: '/metrics', key: ADMIN_KEY });
  const match = /^overture_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(res.body);
  return match ? Number(match[1]) : Number.NaN;
}

async function nested(backend) {
  return withService(backend, {}, async ({ base }) => {
    const created = await send(base, {
      method: 'POST',
      path: '/v1/keys',
      key: ADMIN_KEY,
      body: JSON.stringify({ name: 'reader', scopes: ['read'] }),
    });
    const readKey = JSON.parse(created.body).key;
    const triggers = JSON.parse((await send(base, { path: '/v1/triggers', key: ADMIN_KEY })).body).triggers;
    const triggerId = triggers[0].triggerId;
    const depth = 5 * MiB;
    const body = `${'['.repeat(depth)}${']'.repeat(depth)}`; // 10 MiB
    // a probe of /health every 10 ms: its longest wait is how long the process could not answer
    let probing = true;
    let longestProbe = 0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const probe = (async () => {
      while (probing) {
        const res = await send(base, { path: '/health', agent });
        longestProbe = Math.max(longestProbe, res.ms);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // the small route with a read-only key, then the events route (the large limit) with a write key
    for (const [path, key, who] of [
      [`/v1/triggers/${triggerId}/test`, readKey, 'a read key'],
      ['/v1/events', ADMIN_KEY, 'a write key'],
    ]) {
      await new Promise((r) => setTimeout(r, 300));
      longestProbe = 0;
      await lagMaxSeconds(base); // resets the service's event-loop delay histogram
      const res = await send(base, { method: 'POST', path, key, body });
      await new Promise((r) => setTimeout(r, 300));
      const lag = await lagMaxSeconds(base);
      console.log(
        `nested (${backend}): 10 MiB [[[...]]] to POST ${path} with ${who}: HTTP ${res.status}${res.error ? ` (${res.error})` : ''} in ${res.ms.toFixed(0)} ms; ` +
          `event-loop lag max ${(lag * 1000).toFixed(0)} ms; longest /health probe ${longestProbe.toFixed(0)} ms`,
      );
      if (res.body) console.log(`  body: ${res.body.slice(0, 200)}`);
    }
    probing = false;
    await probe;
    agent.destroy();
  });
}

async function batches(backend) {
  return withService(backend, {}, async ({ base, service }) => {
    const bodies = Array.from({ length: 8 }, (_, b) =>
      JSON.stringify({
        events: Array.from({ length: 1000 }, (_, i) => ({
          id: `b${b}-e${i}`,
          kind: 'message_in',
          userId: `u${b}-${i % 50}`,
          characterId: 'aria',
          at: new Date(Date.now() - 60_000).toISOString(),
          text: 'x'.repeat(8000),
        })),
      }),
    );
    // warm: one small batch, so the routes and the database are ready
    await send(base, {
      method: 'POST',
      path: '/v1/events',
      key: ADMIN_KEY,
      body: JSON.stringify({
        events: [
          { id: 'w', kind: 'message_in', userId: 'w', characterId: 'aria', at: new Date().toISOString() },
        ],
      }),
    });
    await new Promise((r) => setTimeout(r, 1000));
    const before = procMemory(service.pid, 'VmRSS');
    const sampler = sampleRss(service.pid, 50);
    const started = performance.now();
    const results = await Promise.all(
      bodies.map((body) => send(base, { method: 'POST', path: '/v1/events', key: ADMIN_KEY, body })),
    );
    const ms = performance.now() - started;
    const peak = sampler.stop();
    const size = (Buffer.byteLength(bodies[0]) / MiB).toFixed(2);
    console.log(
      `batches (${backend}): 8 concurrent POST /v1/events of ${size} MiB each: ${summarise(results.map((r) => r.status))} in ${ms.toFixed(0)} ms; ` +
        `RSS ${(before / MiB).toFixed(0)} -> peak ${(peak / MiB).toFixed(0)} MiB`,
    );
    const refused = results.find((r) => r.status !== 200);
    if (refused)
      console.log(
        `  a refused one: HTTP ${refused.status}, retry-after ${refused.headers?.['retry-after']}: ${refused.body?.slice(0, 200)}`,
      );
  });
}

async function wrongKeys() {
  return withService('postgres', {}, async ({ base, database }) => {
    const lookups = async () => {
      const rows = await database.query(
        "select coalesce(sum(idx_scan), 0)::bigint as n from pg_stat_user_indexes where indexrelname = 'api_keys_by_hash'",
      );
      return Number(rows[0].n);
    };
    // a backend going idle reports its statistics to pg_stat_* within 10 s: read until stable
    const settled = async () => {
      let last = await lookups();
      for (;;) {
        await new Promise((r) => setTimeout(r, 11_000));
        const now = await lookups();
        if (now === last) return now;
        last = now;
      }
    };
    const before = await settled();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const pending = [];
    const started = performance.now();
    for (let i = 0; i < 3000; i++) {
      // 500 a second: request i leaves at i * 2 ms
      const wait = started + i * 2 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(base, { path: '/v1/users', key: `ovk_wrong_${i}_${'x'.repeat(30)}`, agent }));
    }
    const results = await Promise.all(pending);
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    const after = await settled();
    const limited = results.find((r) => r.status === 429);
    console.log(
      `wrong-keys (postgres): 3,000 wrong keys in ${seconds.toFixed(1)} s: ${summarise(results.map((r) => r.status))}; ` +
        `api_keys lookups ${after - before}`,
    );
    if (limited)
      console.log(`  a 429: retry-after ${limited.headers['retry-after']}: ${limited.body.slice(0, 200)}`);
  });
}

const which = opts.scenario;
if (which === 'all' || which === 'nested') await nested(opts.backend);
if (which === 'all' || which === 'batches') await batches(opts.backend);
if (which === 'all' || which === 'wrong-keys') await wrongKeys();
