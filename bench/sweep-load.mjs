#!/usr/bin/env node
// The sweep's load path alone: `loadTenantBatch` (pairs' and users' rows, activity, suggestions,
// occasions, switches) over every pair of a kept bench:sweep database, in batches as the
// scheduler claims them, without deciding or writing anything. Prints the engine's CPU time per
// pair, the PostgreSQL time of each statement (from pg_stat_statements, when it is installed) and
// a digest of everything loaded, so that a change can show it loads exactly the same states.
//
//   node bench/sweep.mjs --pairs 50000 ... --keep     makes a database (prints its URL)
//   node bench/sweep-load.mjs --url URL --at ISO      then this, on the compiled code in dist/
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    at: { type: 'string' },
    tenant: { type: 'string', default: 'default' },
    batch: { type: 'string', default: '1000' },
    passes: { type: 'string', default: '3' },
  },
});
if (!args.url || !args.at) {
  console.log(
    'Usage: node bench/sweep-load.mjs --url postgres://... --at 2026-12-01T12:00:00Z [--batch 1000] [--passes 3]',
  );
  process.exit(1);
}
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { createEngine } = await dist('index.js');
const { loadTenantBatch } = await dist('engine/decide/sweep-state.js');

const admin = new pg.Client({ connectionString: args.url });
await admin.connect();
// the order claims come in is unrelated to the keys' order: a fixed pseudo-random one
const { rows: keys } = await admin.query(
  `select user_id as "userId", character_id as "characterId" from pair_schedules
   where tenant_id = $1 order by md5(user_id || character_id)`,
  [args.tenant],
);
const stats =
  (await admin.query(`select 1 from pg_extension where extname = 'pg_stat_statements'`)).rowCount > 0;

const engine = await createEngine({
  databaseUrl: args.url,
  migrate: false,
  logLevel: 'warn',
  scheduler: false,
});
const ctx = engine.context;
const now = new Date(args.at);
const size = Number(args.batch);

const passes = [];
let digest = '';
for (let pass = 0; pass < Number(args.passes); pass++) {
  if (stats) await admin.query('select pg_stat_statements_reset()');
  const hash = createHash('sha256');
  let cpuUs = 0;
  for (let i = 0; i < keys.length; i += size) {
    const cpu0 = process.cpuUsage();
    const batch = await loadTenantBatch(ctx, args.tenant, keys.slice(i, i + size), now);
    const cpu = process.cpuUsage(cpu0);
    cpuUs += cpu.user + cpu.system; // the digest's own cost is left out
    for (const p of batch.pairs) hash.update(describe(p));
  }
  digest = hash.digest('hex');
  passes.push(cpuUs / keys.length);
  const line = { pass, cpuUsPerPair: round(passes.at(-1)), digest: digest.slice(0, 16) };
  if (stats) {
    const { rows } = await admin.query(
      `select calls, round(total_exec_time)::int as ms, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as q
       from pg_stat_statements where query not like '%pg_stat_statements%' and dbid = (select oid from pg_database where datname = current_database())
       order by total_exec_time desc limit 8`,
    );
    line.pgUsPerPair = round((rows.reduce((s, r) => s + Number(r.ms), 0) * 1000) / keys.length);
    line.statements = rows.map((r) => `${r.ms} ms ${r.calls} calls ${r.rows} rows: ${r.q}`);
  }
  console.log(JSON.stringify(line, null, 1));
}
passes.sort((a, b) => a - b);
console.log(
  `pairs ${keys.length}, median CPU ${round(passes[passes.length >> 1])} µs per pair, digest ${digest}`,
);
await engine.close();
await admin.end();

/** Everything `decide` reads of a pair, in a canonical form (acts and used keys sorted). */
function describe({ userId, characterId, state: s, policy }) {
  const acts = s.acts.map((a) => `${a.atMs}/${a.characterId}/${a.triggerId}`).sort();
  const hours = s.activity ? Buffer.from(s.activity.hours.buffer).toString('base64') : null;
  return JSON.stringify([
    userId,
    characterId,
    s.characterId,
    s.consent,
    s.zone.zone,
    s.zoneSource,
    s.trust,
    hours,
    s.activity?.peak ?? null,
    s.userLastInboundAtMs,
    s.pairLastInboundAtMs,
    s.pairLastContactAtMs,
    acts,
    s.occasions,
    [...s.used].sort(),
    policy,
  ]);
}

function round(x) {
  return Math.round(x * 100) / 100;
}
