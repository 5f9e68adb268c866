#!/usr/bin/env node
// The scheduler on PostgreSQL: decisions per second when every pair is due (1 and 2 engine
// processes), the cost of an idle tick, due-to-decided latency under steady load, duplicates,
// and each engine's peak memory.
//
//   npm run bench:sweep                  builds, then runs with the defaults (1,000,000 pairs)
//   node bench/sweep.mjs --help          every option
//
// Runs on the compiled code in dist/ (build first).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createScratchDatabase } from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOUR = 3_600_000;
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

const USAGE = `Usage: node bench/sweep.mjs [options]

Seeds --pairs (user, character) pairs straight into a scratch PostgreSQL database (users in 12
zones with an activity model, last messages over the past 72 h, 5% opted out, a fifth of the users
with a second character), with the built-in silence, weekday-schedule and webhook triggers on and
proactive messages allowed. Then:
  1. all due: every pair due at once; --instances engine processes decide until none is due;
     prints decisions/s, what they were, duplicates and each process's peak RSS;
  2. idle: nothing due; times --idle-ticks claims (the query an idle scheduler runs);
  3. steady: --rate pairs fall due per second for --seconds; two engine processes run their own
     scheduler loop (default interval); prints due-to-decided latency p50/p99;
  4. events: --pings events for an event trigger, ingested by this process (which does not
     sweep) while two processes run their loop; prints ingest-to-decided latency.

Options:
  --pairs N        pairs (default 1000000)
  --instances L    comma-separated process counts for phase 1 (default 1,2; 0 skips it)
  --batch N        pairs per claim in phase 1 (default 1000)
  --idle-ticks N   idle claims to time (default 2000)
  --rate N         pairs falling due per second in phase 3 (default 5000)
  --seconds N      length of phase 3 (default 20)
  --pings N        events for an event trigger in phase 4, one each 50 ms (default 200)
  --pg-server URL  PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)
  --keep           keep the scratch database`;

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '1000000' },
    instances: { type: 'string', default: '1,2' },
    batch: { type: 'string', default: '1000' },
    'idle-ticks': { type: 'string', default: '2000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
    pings: { type: 'string', default: '200' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const PAIRS = Number(args.pairs);
const USERS = Math.round(PAIRS / 1.25);

const scratch = await createScratchDatabase(args['pg-server'], `bench_sweep_${process.pid}`);
const { createEngine } = await dist('index.js');
const { claimDuePairs } = await dist('storage/schedule.repository.js');
const { emptyUserActivity, observeActivity } = await dist('domain/activity/user-activity.js');
const { ZoneOffsets } = await dist('domain/shared/local-time.js');
const { encodeUserActivity } = await dist('storage/codecs/activity-codec.js');

const ZONES = [
  'America/Los_Angeles',
  'America/Chicago',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Lagos',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'UTC',
];

console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
try {
  const engine = await createEngine({ databaseUrl: scratch.url, logLevel: 'warn', scheduler: false });
  const db = engine.database.db;
  // one statement at a time: VACUUM cannot run in the transaction a multi-statement query makes
  const sql = async (text) => {
    let rows = [];
    for (const statement of text
      .split(/;\s*\n/)
      .map((t) => t.trim())
      .filter(Boolean))
      rows = await scratch.query(statement);
    return rows;
  };
  const tenant = engine.forTenant('default');
  await tenant.putPolicy({ allowProactive: true });
  for (const id of ['idle-check-in', 'daily-standup', 'webhook-alert']) await tenant.enableTrigger(id);
  await tenant.createTrigger({ id: 'on-ping', name: 'Ping', spec: { kind: 'event', event: 'ping' } });
  await engine.sweep(); // the re-arms asked for by the changes above, on no pairs yet
  const pg = (await sql('show server_version'))[0].server_version;
  console.log(`PostgreSQL ${pg}; ${PAIRS.toLocaleString()} pairs of ${USERS.toLocaleString()} users`);

  const t0 = Date.now();
  await seed(sql, db);
  console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const now = new Date();

  // 1. every pair due at once
  for (const n of args.instances
    .split(',')
    .map(Number)
    .filter((n) => n > 0)) {
    await sql(`truncate decisions, suggestions, occasions;
      update pair_schedules set next_due_at = now() - interval '1 minute', hint_at = null, claim_token = null;
      vacuum analyze pair_schedules;
      `);
    const cpu0 = machineCpu();
    const runs = await drain(n);
    const cpu1 = machineCpu();
    const wall = Math.max(...runs.map((r) => r.ms));
    const decided = runs.reduce((s, r) => s + r.decided, 0);
    const counts = (
      await sql('select action, count(*)::int as n from decisions group by action order by action')
    ).map((r) => `${r.action} ${r.n.toLocaleString()}`);
    const dup = (
      await sql(`select count(*)::int as n from (select 1 from suggestions
        group by user_id, character_id, trigger_id, occasion_key having count(*) > 1) d`)
    )[0].n;
    const still = (await sql('select count(*)::int as n from pair_schedules where next_due_at <= now()'))[0]
      .n;
    console.log(
      `\nall due, ${n} process${n > 1 ? 'es' : ''}: ${decided.toLocaleString()} decisions in ${(wall / 1000).toFixed(1)} s = ${Math.round((decided / wall) * 1000).toLocaleString()} decisions/s`,
    );
    console.log(
      `  stored decisions: ${counts.join(', ')}; suggestions ${runs.reduce((s, r) => s + r.suggestions, 0).toLocaleString()}`,
    );
    console.log(
      `  decided more than once: ${(decided - PAIRS).toLocaleString()}; duplicate suggestions: ${dup}; pairs left due: ${still}`,
    );
    for (const r of runs)
      console.log(
        `  process ${r.pid}: decided ${r.decided.toLocaleString()}, peak RSS ${r.maxRssMb} MB, CPU ${r.cpuS.toFixed(1)} s`,
      );
    if (cpu0 && cpu1) {
      // CPU time of the whole machine while the processes ran: theirs, and the rest (PostgreSQL)
      const engines = runs.reduce((sum, r) => sum + r.cpuS, 0);
      const busy = cpu1.busy - cpu0.busy;
      const us = (seconds) => ((seconds / decided) * 1e6).toFixed(0);
      console.log(
        `  CPU per decision: engines ${us(engines)} µs, the rest of the machine (PostgreSQL) ${us(busy - engines)} µs; busy ${((busy / (cpu1.total - cpu0.total)) * 100).toFixed(0)}% of ${os.cpus().length} cores, so at most ${Math.round((os.cpus().length / busy) * decided).toLocaleString()} decisions/s on this machine at this cost`,
      );
    }
  }

  // 2. nothing due: what an idle scheduler pays per tick
  await sql(`update pair_schedules set next_due_at = now() + interval '1 day' where next_due_at is not null
    and next_due_at <= now() + interval '1 day';
    vacuum analyze pair_schedules;
    `);
  const ticks = [];
  for (let i = 0; i < Number(args['idle-ticks']); i++) {
    const t = performance.now();
    const claimed = await claimDuePairs(db, {
      now: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
      token: 'idle',
      limit: 500,
    });
    ticks.push(performance.now() - t);
    if (claimed.length > 0) throw new Error('idle phase: something was due');
  }
  ticks.sort((a, b) => a - b);
  console.log(
    `\nidle tick (nothing due, ${ticks.length} claims): p50 ${pct(ticks, 0.5).toFixed(2)} ms, p99 ${pct(ticks, 0.99).toFixed(2)} ms, max ${ticks.at(-1).toFixed(2)} ms`,
  );

  // 3. steady load: pairs fall due at --rate a second; two processes run their scheduler loop
  const rate = Number(args.rate);
  const seconds = Number(args.seconds);
  const start = Date.now() + 3000;
  await sql(`drop table if exists bench_due;
    create table bench_due as
      select user_id, character_id,
             to_timestamp((${start} + (row_number() over (order by user_id, character_id) - 1) * 1000.0 / ${rate}) / 1000) as due_at
      from pair_schedules order by user_id, character_id limit ${rate * seconds};
    update pair_schedules p set next_due_at = b.due_at, decided_at = null
      from bench_due b where p.user_id = b.user_id and p.character_id = b.character_id;
    vacuum analyze pair_schedules;
    `);
  const steady = await Promise.all(
    [1, 2].map(() =>
      runProcess({ MODE: 'steady', DURATION_MS: String(start - Date.now() + seconds * 1000 + 4000) }),
    ),
  );
  const lat = (
    await sql(`select extract(epoch from (p.decided_at - b.due_at)) * 1000 as ms
      from bench_due b join pair_schedules p using (user_id, character_id) where p.decided_at is not null`)
  )
    .map((r) => Number(r.ms))
    .sort((a, b) => a - b);
  const missed = rate * seconds - lat.length;
  console.log(
    `\nsteady, ${rate.toLocaleString()} due/s for ${seconds} s, 2 processes (interval 500 ms): due-to-decided p50 ${pct(lat, 0.5).toFixed(0)} ms, p99 ${pct(lat, 0.99).toFixed(0)} ms, max ${lat.at(-1)?.toFixed(0)} ms; not decided: ${missed}`,
  );
  for (const r of steady)
    console.log(
      `  process ${r.pid}: decided ${r.decided.toLocaleString()}, peak RSS ${r.maxRssMb} MB, CPU ${r.cpuS.toFixed(1)} s`,
    );

  // 4. an event trigger, the event ingested by an instance that does not sweep: decided by the
  // two that do (they poll; only the ingesting instance is woken in process)
  const pings = Number(args.pings);
  await sql(
    `update pair_schedules set next_due_at = now() + interval '1 day' where next_due_at <= now() + interval '1 minute'`,
  );
  const sweepers = Promise.all(
    [1, 2].map(() => runProcess({ MODE: 'steady', DURATION_MS: String(pings * 50 + 8000) })),
  );
  await new Promise((r) => setTimeout(r, 3000));
  const sent = [];
  for (let i = 0; i < pings; i++) {
    const userId = `u${String((i * 997) % USERS).padStart(7, '0')}`;
    const at = new Date();
    await tenant.ingest({
      id: `ping-${i}`,
      kind: 'custom',
      name: 'ping',
      userId,
      characterId: 'luna',
      at: at.toISOString(),
    });
    sent.push({ userId, at: at.getTime() });
    await new Promise((r) => setTimeout(r, 50));
  }
  await sweepers;
  const decidedAt = new Map(
    (
      await sql(`select user_id, extract(epoch from decided_at) * 1000 as ms from pair_schedules
        where character_id = 'luna' and user_id in (${sent.map((p) => `'${p.userId}'`).join(',')})`)
    ).map((r) => [r.user_id, Number(r.ms)]),
  );
  const eventLat = sent
    .map((p) => (decidedAt.get(p.userId) ?? Number.POSITIVE_INFINITY) - p.at)
    .sort((a, b) => a - b);
  console.log(
    `\nevent trigger, ${pings} events ingested by a third instance: ingest-to-decided p50 ${pct(eventLat, 0.5).toFixed(0)} ms, p99 ${pct(eventLat, 0.99).toFixed(0)} ms, max ${eventLat.at(-1).toFixed(0)} ms`,
  );
  void now;
  await engine.close();
} finally {
  if (!args.keep) await scratch.drop();
  else console.log(`kept ${scratch.url}`);
}

/** Busy and total CPU seconds of the machine so far (Linux's /proc/stat), or null elsewhere. */
function machineCpu() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / 100, total: (busy + idle + iowait) / 100 };
  } catch {
    return null;
  }
}

function pct(sorted, p) {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Seeds users, characters and pairs in SQL: an activity model (evenings, local) for 85% of users. */
async function seed(sql, db) {
  const evening = emptyUserActivity(Date.now() - 30 * 24 * HOUR);
  const zone = new ZoneOffsets('UTC');
  for (let d = 30; d >= 1; d--)
    for (const h of [19, 20, 21])
      observeActivity(
        evening,
        Date.now() - d * 24 * HOUR + (h - 24) * HOUR,
        zone,
        'explicit',
        21 * 24 * HOUR,
      );
  // ingest keeps a zone guess in the model of users whose zone the bot did not give
  evening.inferred = { offsetMinutes: 0, zone: 'UTC', confidence: 0.9, evidence: 30, atMs: Date.now() };
  const blob = encodeUserActivity(evening).toString('hex');
  const zones = `array[${ZONES.map((z) => `'${z}'`).join(',')}]`;
  await sql(`insert into characters (tenant_id, character_id, created_at, updated_at)
    values ('default', 'luna', now(), now()), ('default', 'max', now(), now()) on conflict do nothing`);
  await sql(`insert into users (tenant_id, user_id, timezone, consent, created_at, updated_at, last_inbound_at,
                                activity, activity_version)
    select 'default', 'u' || lpad(i::text, 7, '0'),
           case when i % 5 = 4 then null else (${zones})[1 + i % 12] end,
           case when i % 20 = 7 then 'opted_out' else 'unknown' end,
           now(), now(), now() - make_interval(secs => (i::bigint * 7919) % 259200),
           case when i % 20 < 17 then decode('${blob}', 'hex') else null end, 1
    from generate_series(0, ${USERS - 1}) as i`);
  await sql(`insert into user_characters (tenant_id, user_id, character_id, created_at, last_inbound_at, trust)
    select 'default', user_id, 'luna', now(), last_inbound_at, 0.5 from users where tenant_id = 'default'`);
  await sql(`insert into user_characters (tenant_id, user_id, character_id, created_at, last_inbound_at, trust)
    select 'default', user_id, 'max', now(), last_inbound_at - interval '3 hours', 0.5 from users
    where tenant_id = 'default' order by user_id limit ${PAIRS - USERS}`);
  await sql(`insert into pair_schedules (tenant_id, user_id, character_id, next_due_at)
    select tenant_id, user_id, character_id, now() from user_characters;
    vacuum analyze users;
    vacuum analyze user_characters;
    vacuum analyze pair_schedules;
    `);
  void db;
}

/** Starts `n` drain processes, waits until each is ready, starts them together, collects their reports. */
async function drain(n) {
  const procs = Array.from({ length: n }, () => startProcess({ MODE: 'drain', BATCH: args.batch }));
  await Promise.all(procs.map((p) => p.ready));
  for (const p of procs) p.child.stdin.write('go\n');
  return Promise.all(procs.map((p) => p.report));
}

function runProcess(env) {
  return startProcess(env).report;
}

function startProcess(env) {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'sweeper.mjs')], {
    env: { ...process.env, DATABASE_URL: scratch.url, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  let onReady;
  const ready = new Promise((r) => {
    onReady = r;
  });
  const report = new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line.startsWith('{')) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`sweeper exited with ${code}`));
    });
  });
  return { child, ready, report };
}
