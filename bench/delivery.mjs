#!/usr/bin/env node
// The outbox on PostgreSQL: approved suggestions sent per second by the delivery worker
// (claim under a lease, attempt row, send, the finishing transaction with the user's message_out).
//
//   npm run build && node bench/delivery.mjs          the defaults
//   node bench/delivery.mjs --help                    every option
import { spawn } from 'node:child_process';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  backgroundLoad,
  createScratchDatabase,
  machineCpuSeconds,
  postgresCpu,
  postgresCpuDelta,
  procCpuSeconds,
} from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

const USAGE = `Usage: node bench/delivery.mjs [options]

Seeds --users users with a telegram address, the character "luna" with a telegram channel, and
one approved suggestion each with its delivery queued, through the engine: a message from each
user, an auto-approved event trigger decided by the scheduler and drafted by the template
composer (the draft queues the delivery). That batch is sent first (one engine, 4 at once: a cold
run, always done). Every later run sends a copy of it made in SQL (the same rows under new suggestion and
delivery ids, queued again), after a warm-up copy of --warmup rows and VACUUM ANALYZE of the
outbox's tables. Runs:
  recording   one engine in this process, the in-process RecordingChannel (no network), at
              each --concurrency
  telegram    one engine in this process, the real grammY adapter against the fake Telegram
              Bot API server (startFakeTelegramServer) in a child process, at each --concurrency
  processes   1, then 2 engine processes (child processes, RecordingChannel) sharing the queue,
              each deliverer.runUntilIdle() started at once, --multi-concurrency each
Each run checks exactly-once: deliveries by status, attempts, message_out events, adapter calls
(or messages the fake received) and no delivery id sent twice.

Options:
  --users N              users, one delivery each per run (default 2000)
  --warmup N             deliveries sent before each timed run, untimed (default 200)
  --concurrency LIST     deliveryConcurrency of the one-engine runs (default 4,16)
  --multi-concurrency N  deliveryConcurrency of each engine process (default 4)
  --pool N               each engine's poolSize (default: the engine's default, 10)
  --only LIST            runs to do, of recording,telegram,processes (default all)
  --pg-server URL        PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)`;

const NOW = '2026-11-23T12:40:00Z'; // every engine's (fake) clock while delivering
const TOKEN = '123456:bench-delivery-token';
const SECRET_KEY = 'a'.repeat(64);

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4,16' },
    'multi-concurrency': { type: 'string', default: '4' },
    pool: { type: 'string' },
    only: { type: 'string', default: 'recording,telegram,processes' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    role: { type: 'string' }, // internal: telegram-server | deliverer
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

/**
 * Counts the statements this process sends through \`pg\` (the engine's driver is this same module)
 * while \`counting\`, by their first words: a call counted, nothing else changed.
 */
const statements = new Map();
let counting = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  if (counting) {
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    const key = text.slice(0, 80).replace(/\s+/g, ' ').trim().slice(0, 48);
    statements.set(key, (statements.get(key) ?? 0) + 1);
  }
  return query.call(this, config, ...rest);
};

const lines = () => createInterface({ input: process.stdin });
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

// ---------------------------------------------------------------------------------------------
// child: the fake Telegram Bot API server, out of the engine's process
if (args.role === 'telegram-server') {
  const { startFakeTelegramServer } = await dist('testing/index.js');
  const fake = await startFakeTelegramServer({ token: TOKEN });
  say({ apiRoot: fake.apiRoot });
  for await (const line of lines()) {
    if (line === 'count') {
      const chats = new Set(fake.delivered.map((m) => m.chatId));
      say({ delivered: fake.delivered.length, chats: chats.size, requests: fake.requests.length });
    } else if (line === 'reset') {
      fake.delivered.length = 0;
      fake.requests.length = 0;
      say({ reset: true });
    } else if (line === 'quit') break;
  }
  await fake.close();
  process.exit(0);
}

// child: one engine instance sending with a RecordingChannel, on "go", until nothing is due
if (args.role === 'deliverer') {
  const { createEngine } = await dist('index.js');
  const { FakeClock, RecordingChannel } = await dist('testing/index.js');
  const channels = new RecordingChannel();
  const engine = await createEngine(
    {
      databaseUrl: process.env.DATABASE_URL,
      migrate: false,
      logLevel: 'warn',
      scheduler: false,
      secretKey: SECRET_KEY,
      deliveryConcurrency: Number(process.env.CONCURRENCY),
      ...(process.env.POOL ? { poolSize: Number(process.env.POOL) } : {}),
    },
    { clock: new FakeClock(NOW), channels: channels.factory },
  );
  say({ ready: true });
  for await (const line of lines()) {
    if (line !== 'go') break;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await engine.deliverer.runUntilIdle();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const ids = channels.calls.splice(0).map((c) => c.deliveryId);
    say({ pid: process.pid, result, ms, cpuMs: (cpu.user + cpu.system) / 1000, ids });
  }
  await engine.close();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// the benchmark
const USERS = Number(args.users);
const WARMUP = Number(args.warmup);
const CONCURRENCIES = args.concurrency.split(',').map(Number);
const MULTI = Number(args['multi-concurrency']);
const ONLY = new Set(args.only.split(','));
const POOL = args.pool ? { poolSize: Number(args.pool) } : {};

const { createEngine } = await dist('index.js');
const { FakeClock, RecordingChannel } = await dist('testing/index.js');
const dbName = `bench_delivery_${process.pid}`;
const scratch = await createScratchDatabase(args['pg-server'], dbName);
const cpus = os.cpus();
console.log(
  `machine: ${cpus.length} x ${cpus[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);

/** A child process of this script in `role`, talking one JSON line per message. */
function child(role, env = {}) {
  const proc = spawn(process.execPath, [SELF, '--role', role], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pending = [];
  const queued = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      console.log(`[${role} ${proc.pid}] ${line}`);
      return;
    }
    const waiter = pending.shift();
    if (waiter) waiter(value);
    else queued.push(value);
  });
  const next = () =>
    queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((r) => pending.push(r));
  const exited = new Promise((r) => proc.on('exit', r));
  return {
    pid: proc.pid,
    next,
    send: (line) => proc.stdin.write(`${line}\n`),
    ask: (line) => {
      proc.stdin.write(`${line}\n`);
      return next();
    },
    async quit() {
      proc.stdin.end('quit\n');
      await exited;
    },
  };
}

const loadNote = async () => {
  const busy = await backgroundLoad(1000);
  const [l1] = os.loadavg();
  return {
    busy,
    l1,
    text: `machine ${Math.round(busy * 100)}% busy over 1 s before, load average ${l1.toFixed(2)}`,
  };
};

/** How busy the two cores were between two machineCpuSeconds() readings, and who used them. */
const machineShare = (a, b, oursS, pgS, ours = 'engine') => {
  const total = b.total - a.total;
  const busy = b.busy - a.busy;
  const pct = (x) => `${Math.round((100 * x) / total)}%`;
  return `the machine was ${pct(busy)} busy: ${ours} ${pct(oursS)}, PostgreSQL backends of the bench database ${pct(pgS)}, everything else ${pct(Math.max(0, busy - oursS - pgS))}`;
};

const sql = new pg.Client({ connectionString: scratch.url });
const telegram = ONLY.has('telegram') ? child('telegram-server') : null;
const rows = [];
try {
  const { apiRoot } = telegram ? await telegram.next() : { apiRoot: 'http://127.0.0.1:9' };

  // --- seeding through the engine -------------------------------------------------------------
  const seedClock = new FakeClock('2026-11-23T12:00:00Z');
  const seeding = await createEngine(
    { databaseUrl: scratch.url, logLevel: 'warn', scheduler: false, secretKey: SECRET_KEY, ...POOL },
    { clock: seedClock, channels: new RecordingChannel().factory },
  );
  const tenant = seeding.forTenant('default');
  const t0 = performance.now();
  await tenant.putPolicy({
    allowProactive: true,
    quietHours: null,
    minGapMinutes: 0,
    userCaps: { perDay: 50, perWeek: 50 },
    characterCaps: { perDay: 50, perWeek: 50 },
    backoffAfterUnanswered: 100,
  });
  await tenant.createTrigger({
    id: 'ping',
    name: 'Ping',
    spec: { kind: 'event', event: 'ping' },
    approval: 'auto',
    cooldownMinutes: 0,
  });
  await tenant.putCharacter('luna', { name: 'Luna' });
  await tenant.putChannel('luna', 'telegram', { token: TOKEN, apiRoot });
  const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
  const iso = () => seedClock.now().toISOString();
  for (let i = 0; i < USERS; i += 1000)
    await tenant.ingest(
      users.slice(i, i + 1000).map((userId) => ({
        id: 'hi',
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at: iso(),
        text: 'hi',
      })),
    );
  const tIngest = performance.now();
  let nextUser = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (nextUser < USERS) {
        const i = nextUser++;
        await tenant.updateUser(users[i], { addresses: { telegram: String(100_000 + i) } });
      }
    }),
  );
  const tAddresses = performance.now();
  seedClock.advance({ minutes: 40 });
  for (let i = 0; i < USERS; i += 1000)
    await tenant.ingest(
      users.slice(i, i + 1000).map((userId) => ({
        id: 'ping-1',
        kind: 'custom',
        name: 'ping',
        userId,
        characterId: 'luna',
        at: iso(),
      })),
    );
  const decided = await seeding.scheduler.runUntilIdle();
  const tDecided = performance.now();
  const drafted = await seeding.drafter.runUntilIdle();
  const tDrafted = performance.now();
  await seeding.close(); // else its stream relay would hear every run's notifications in this process
  await sql.connect();
  const queued = Number(
    (await sql.query(`select count(*) as n from deliveries where status = 'queued'`)).rows[0].n,
  );
  console.log(
    `seeded through the engine in ${((tDrafted - t0) / 1000).toFixed(1)} s: ${USERS} users (ingest ${((tIngest - t0) / 1000).toFixed(1)} s, ` +
      `addresses by updateUser ${((tAddresses - tIngest) / 1000).toFixed(1)} s), ${decided.suggestions} suggestions decided ` +
      `(${((tDecided - tAddresses) / 1000).toFixed(1)} s), ${drafted.composed} drafted by the template composer ` +
      `(${((tDrafted - tDecided) / 1000).toFixed(1)} s), ${queued} deliveries queued`,
  );
  if (queued !== USERS) throw new Error(`expected ${USERS} queued deliveries, found ${queued}`);
  // the engine's batch as it is now (approved, queued), to be copied for every later run
  await sql.query(`
    create table bench_seed_suggestions as select row_number() over (order by user_id) as n, s.* from suggestions s;
    create table bench_seed_deliveries as select row_number() over (order by user_id) as n, d.* from deliveries d;`);

  /** Copies the first `count` seeded suggestions and deliveries under ids ending in `suffix`, queued. */
  const copy = async (suffix, count) => {
    await sql.query(
      `insert into suggestions
       select (jsonb_populate_record(null::suggestions, to_jsonb(s) - 'n' || jsonb_build_object(
         'suggestion_id', s.suggestion_id || $1, 'occasion_key', s.occasion_key || $1))).*
       from bench_seed_suggestions s where s.n <= $2`,
      [suffix, count],
    );
    await sql.query(
      `insert into deliveries
       select (jsonb_populate_record(null::deliveries, to_jsonb(d) - 'n' || jsonb_build_object(
         'delivery_id', d.delivery_id || $1, 'suggestion_id', d.suggestion_id || $1))).*
       from bench_seed_deliveries d where d.n <= $2`,
      [suffix, count],
    );
  };
  const vacuum = () =>
    sql.query('vacuum analyze deliveries, delivery_attempts, suggestions, events, user_characters, users');

  /** Exactly-once, from the database: the run's rows (ids ending in `suffix`). */
  const check = async (suffix, expected, sentIds) => {
    const q = async (text) => (await sql.query(text, [suffix])).rows;
    const byStatus = Object.fromEntries(
      (
        await q(
          `select status, count(*)::int as n from deliveries where right(delivery_id, length($1)) = $1 group by 1`,
        )
      ).map((r) => [r.status, r.n]),
    );
    const [attempts] = await q(
      `select count(*)::int as n, count(*) filter (where outcome = 'sent')::int as sent, max(attempt) as max
       from delivery_attempts where right(delivery_id, length($1)) = $1`,
    );
    const [events] = await q(
      `select count(*)::int as n from events where kind = 'message_out' and right(event_id, length($1)) = $1 and event_id like 'overture:%'`,
    );
    const [suggestions] = await q(
      `select count(*) filter (where status = 'sent')::int as sent, count(*)::int as n
       from suggestions where right(suggestion_id, length($1)) = $1`,
    );
    const problems = [];
    if ((byStatus.sent ?? 0) !== expected || Object.keys(byStatus).length !== 1)
      problems.push(`deliveries by status ${JSON.stringify(byStatus)}`);
    if (attempts.n !== expected || attempts.sent !== expected || attempts.max !== 1)
      problems.push(`attempts ${JSON.stringify(attempts)}`);
    if (events.n !== expected) problems.push(`${events.n} message_out events`);
    if (suggestions.sent !== expected) problems.push(`suggestions ${JSON.stringify(suggestions)}`);
    if (sentIds) {
      const mine = sentIds.filter((id) => id.endsWith(suffix));
      const distinct = new Set(mine).size;
      if (mine.length !== expected || distinct !== expected)
        problems.push(`adapter calls ${mine.length}, distinct delivery ids ${distinct}`);
    }
    return {
      ok: problems.length === 0,
      text:
        problems.length === 0
          ? `exactly once: ${expected} sent, ${attempts.n} attempts, ${events.n} message_out, ${sentIds ? `${sentIds.length} adapter calls, ${new Set(sentIds).size} distinct ids` : ''}`
          : `NOT EXACTLY ONCE: ${problems.join('; ')}`,
    };
  };

  const record = (row) => {
    rows.push(row);
    console.log(
      `  ${row.run}, c=${row.concurrency}: ${row.n} in ${row.seconds.toFixed(2)} s = ${Math.round(row.rate).toLocaleString()} deliveries/s; ` +
        `engine CPU ${row.cpuMs.toFixed(2)} ms/delivery, PostgreSQL backends ${row.pgMs.toFixed(2)} ms/delivery; ` +
        `wall ${(1000 / row.rate).toFixed(2)} ms/delivery, ${((row.concurrency * 1000) / row.rate).toFixed(1)} ms per delivery per worker\n` +
        `  ${row.check}\n  ${row.load}${row.statements ? `\n  ${row.statements}` : ''}`,
    );
  };

  /** One engine in this process sends what is queued: the warm-up copy first (untimed), then `suffix`. */
  const inProcess = async ({ run, concurrency, channels, suffix, count, warmup, fake }) => {
    const engine = await createEngine(
      {
        databaseUrl: scratch.url,
        migrate: false,
        logLevel: 'warn',
        scheduler: false,
        secretKey: SECRET_KEY,
        deliveryConcurrency: concurrency,
        ...POOL,
      },
      { clock: new FakeClock(NOW), ...(channels ? { channels: channels.factory } : {}) },
    );
    try {
      if (warmup > 0) {
        await copy(`${suffix}w`, warmup);
        await engine.deliverer.runUntilIdle();
        if (channels) channels.calls.length = 0;
        if (fake) await fake.ask('reset');
      }
      if (count !== null) await copy(suffix, count);
      await vacuum();
      const load = await loadNote();
      const n = count ?? USERS;
      const fakeCpu0 = fake ? procCpuSeconds(fake.pid) : 0;
      const pg0 = postgresCpu(dbName);
      statements.clear();
      counting = true;
      const machine0 = machineCpuSeconds();
      const cpu0 = process.cpuUsage();
      const t = performance.now();
      const result = await engine.deliverer.runUntilIdle();
      const ms = performance.now() - t;
      const cpu = process.cpuUsage(cpu0);
      const machine = machineCpuSeconds();
      counting = false;
      const mix = [...statements].sort((a, b) => b[1] - a[1]);
      const total = mix.reduce((sum, [, k]) => sum + k, 0);
      const pgCpu = postgresCpuDelta(pg0, postgresCpu(dbName));
      const fakeCpu = fake ? procCpuSeconds(fake.pid) - fakeCpu0 : 0;
      const ids = channels ? channels.calls.map((c) => c.deliveryId) : null;
      // the engine's own rows (count null) are every delivery there is so far: suffix ''
      let checked = await check(count === null ? '' : suffix, n, ids);
      if (fake) {
        const seen = await fake.ask('count');
        const ok = seen.delivered === n && seen.chats === n;
        checked = {
          ok: checked.ok && ok,
          text: `${checked.text}fake Telegram server received ${seen.delivered} messages for ${seen.chats} distinct chats${ok ? '' : ' (NOT ONE EACH)'}; its CPU ${((fakeCpu * 1000) / n).toFixed(2)} ms/delivery`,
        };
        await fake.ask('reset');
      }
      if (result.sent !== n) checked.text += ` (engine counted ${JSON.stringify(result)})`;
      record({
        run,
        command: run,
        n,
        concurrency,
        seconds: ms / 1000,
        rate: (n / ms) * 1000,
        cpuMs: (cpu.user + cpu.system) / 1000 / n,
        pgMs: (pgCpu.backends * 1000) / n,
        check: checked.text,
        ok: checked.ok,
        load: `${load.text}; during the run ${machineShare(machine0, machine, (cpu.user + cpu.system) / 1e6 + fakeCpu, pgCpu.backends, fake ? 'engine and fake server' : 'engine')}`,
        statements: `${(total / n).toFixed(2)} statements a delivery: ${mix
          .map(([key, k]) => `${(k / n).toFixed(2)} "${key}"`)
          .join(', ')}`,
      });
    } finally {
      await engine.close();
    }
  };

  // --- what the claim reads -------------------------------------------------------------------
  await sql.query('analyze deliveries');
  const plan = await sql.query(
    `begin; explain (analyze, buffers, costs off)
     select ctid from deliveries where status = 'queued' and next_attempt_at <= '${NOW}'
     order by next_attempt_at limit 4 for update skip locked`,
  );
  await sql.query('rollback');
  console.log(`\nthe claim's inner select (limit 4), ${USERS} queued:`);
  for (const r of plan[1].rows) console.log(`  ${r['QUERY PLAN']}`);

  // --- runs -----------------------------------------------------------------------------------
  console.log('\nruns:');
  let round = 0;
  // always: the engine-seeded rows are queued until they are sent
  await inProcess({
    run: 'recording (engine-seeded rows, first run: cold)',
    concurrency: 4,
    channels: new RecordingChannel(),
    suffix: '',
    count: null,
    warmup: 0,
  });
  if (ONLY.has('recording')) {
    for (const c of CONCURRENCIES)
      await inProcess({
        run: 'recording',
        concurrency: c,
        channels: new RecordingChannel(),
        suffix: `_r${++round}`,
        count: USERS,
        warmup: WARMUP,
      });
  }
  if (telegram)
    for (const c of CONCURRENCIES)
      await inProcess({
        run: 'telegram (grammY, fake server in a child process)',
        concurrency: c,
        channels: null,
        suffix: `_r${++round}`,
        count: USERS,
        warmup: WARMUP,
        fake: telegram,
      });

  if (ONLY.has('processes')) {
    for (const processes of [1, 2]) {
      const suffix = `_r${++round}`;
      const engines = Array.from({ length: processes }, () =>
        child('deliverer', {
          DATABASE_URL: scratch.url,
          CONCURRENCY: String(MULTI),
          ...(args.pool ? { POOL: args.pool } : {}),
        }),
      );
      for (const e of engines) await e.next(); // ready
      // warm-up, shared
      await copy(`${suffix}w`, WARMUP * processes);
      for (const e of engines) e.send('go');
      await Promise.all(engines.map((e) => e.next()));
      await copy(suffix, USERS);
      await vacuum();
      const load = await loadNote();
      const pg0 = postgresCpu(dbName);
      const machine0 = machineCpuSeconds();
      const t = performance.now();
      for (const e of engines) e.send('go');
      const reports = await Promise.all(engines.map((e) => e.next()));
      const ms = performance.now() - t;
      const machine = machineCpuSeconds();
      const pgCpu = postgresCpuDelta(pg0, postgresCpu(dbName));
      const ids = reports.flatMap((r) => r.ids);
      const checked = await check(suffix, USERS, ids);
      const shares = reports.map((r) => r.ids.length);
      const tookPart = shares.every((s) => s > 0);
      const cpuMs = reports.reduce((sum, r) => sum + r.cpuMs, 0);
      for (const e of engines) await e.quit();
      record({
        run: `${processes} engine process${processes > 1 ? 'es' : ''} sharing the queue (RecordingChannel)`,
        n: USERS,
        concurrency: MULTI,
        seconds: ms / 1000,
        rate: (USERS / ms) * 1000,
        cpuMs: cpuMs / USERS,
        pgMs: (pgCpu.backends * 1000) / USERS,
        check: `${checked.text}; sent per engine ${shares.join(' + ')}${tookPart ? '' : ' (AN ENGINE SENT NOTHING)'}; each engine's own time ${reports.map((r) => `${(r.ms / 1000).toFixed(2)} s`).join(', ')}`,
        ok: checked.ok && tookPart,
        load: `${load.text}; during the run ${machineShare(machine0, machine, cpuMs / 1000, pgCpu.backends, 'engines')}`,
      });
    }
  }

  // --- the table ------------------------------------------------------------------------------
  console.log(`\ncommand: node bench/delivery.mjs ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(
    '| run | N | concurrency | seconds | deliveries/s | wall ms/delivery | engine CPU ms/delivery | PostgreSQL CPU ms/delivery | exactly once |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows)
    console.log(
      `| ${r.run} | ${r.n} | ${r.concurrency} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate).toLocaleString()} | ${(1000 / r.rate).toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${r.pgMs.toFixed(2)} | ${r.ok ? 'yes' : 'NO'} |`,
    );
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
} finally {
  await sql.end().catch(() => {});
  if (telegram) await telegram.quit();
  await scratch.drop();
}
