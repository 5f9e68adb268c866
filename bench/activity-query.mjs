#!/usr/bin/env node
// Time of one activity query over HTTP: GET /v1/users/{id}/activity and /next-good-time on a
// service holding a population of users, each with weeks of history. Runs the compiled service
// (npm run build) as a child process on 127.0.0.1.
//
//   npm run bench:activity-query [-- --backend pglite|postgres] [--users N] [--queries N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createScratchDatabase, freePort, startService } from './lib/service.mjs';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pglite' },
    users: { type: 'string', default: '5000' },
    queries: { type: 'string', default: '1000' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const USERS = Number(values.users);
const QUERIES = Number(values.queries);
const KEY = 'bench-activity-query-key-0123456789';
const DAY = 86_400_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', null];

let scratch;
let dataDir;
const env = {
  PORT: String(await freePort()),
  LOG_LEVEL: 'warn',
  OVERTURE_ADMIN_KEY: KEY,
  // the queries come one after another as fast as they are answered: no request limit
  OVERTURE_KEY_REQUESTS_PER_MINUTE: '0',
  OVERTURE_TENANT_REQUESTS_PER_MINUTE: '0',
};
if (values.backend === 'postgres') {
  scratch = await createScratchDatabase(values['pg-server'], `bench_activity_${process.pid}_${Date.now()}`);
  env.DATABASE_URL = scratch.url;
} else {
  dataDir = mkdtempSync(join(tmpdir(), 'overture-bench-'));
  env.OVERTURE_DATA_DIR = dataDir;
}
const service = startService({ entry: new URL('../dist/cli/main.js', import.meta.url).pathname, env });
const base = `http://127.0.0.1:${env.PORT}`;
const call = async (method, path, body) => {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
try {
  for (
    let i = 0;
    i < 300 &&
    !(await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // Each user: a zone (or none), about 4 events a day for 6 weeks around their habitual hours.
  const now = Date.now();
  let rng = 12345;
  const random = () => {
    // a 32-bit LCG in integer arithmetic: repeatable inputs from run to run
    rng = (Math.imul(rng, 1103515245) + 12345) >>> 0;
    return rng / 2 ** 32;
  };
  for (let u = 0; u < USERS; u++) {
    const zone = ZONES[u % ZONES.length];
    if (zone) await call('PATCH', `/v1/users/u${u}`, { timezone: zone });
  }
  let batch = [];
  const flush = async () => {
    if (batch.length) await call('POST', '/v1/events', { events: batch });
    batch = [];
  };
  for (let u = 0; u < USERS; u++) {
    const habit = Math.floor(random() * 24);
    for (let d = 1; d <= 42; d++) {
      for (let k = 0; k < 4; k++) {
        const at = now - d * DAY + ((habit + Math.floor(random() * 4)) % 24) * 3_600_000 + k * 60_000;
        batch.push({
          id: `e${d}-${k}`,
          kind: 'message_in',
          userId: `u${u}`,
          characterId: 'c',
          at: new Date(at).toISOString(),
        });
        if (batch.length === 1000) await flush();
      }
    }
  }
  await flush();
  const time = async (path) => {
    const ms = [];
    for (let i = 0; i < 50; i++) await call('GET', path(i)); // warm-up
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      await call('GET', path(Math.floor(random() * USERS)));
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(2);
    return {
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      perSecond: Math.round(1000 / (ms.reduce((a, b) => a + b) / ms.length)),
    };
  };
  const activity = await time((u) => `/v1/users/u${u}/activity`);
  const next = await time((u) => `/v1/users/u${u}/next-good-time?within=P7D`);
  console.log(
    `activity query on ${values.backend}: ${USERS} users with 6 weeks of history, ${QUERIES} sequential queries after 50 warm-up`,
  );
  console.log(`| query | p50 ms | p95 ms | p99 ms | queries/s (one at a time) |`);
  console.log(`| --- | ---: | ---: | ---: | ---: |`);
  console.log(
    `| GET /v1/users/{id}/activity | ${activity.p50} | ${activity.p95} | ${activity.p99} | ${activity.perSecond} |`,
  );
  console.log(
    `| GET /v1/users/{id}/next-good-time?within=P7D | ${next.p50} | ${next.p95} | ${next.p99} | ${next.perSecond} |`,
  );
} finally {
  await service.stop();
  await scratch?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
