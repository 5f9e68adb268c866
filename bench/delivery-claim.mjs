// The delivery worker's claim with a backlog: N deliveries queued and due (one tenant holding 90%
// of them, another 10%, as when a platform was down for a while), then claims of 4 timed through
// the engine's own claimDeliveries on PostgreSQL.
//
//   npm run build && node bench/delivery-claim.mjs [N ...]     (default: 2000 100000)
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createEngine } from '../dist/index.js';
import { claimDeliveries } from '../dist/storage/delivery.repository.js';

const SERVER = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const sizes = process.argv.slice(2).map(Number);
const CLAIMS = 50;

const admin = new pg.Client(`${SERVER}/postgres`);
await admin.connect();
console.log('| queued and due | claims of 4 | median ms a claim | p90 ms | max ms |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const n of sizes.length ? sizes : [2000, 100_000]) {
  const name = `bench_claim_${process.pid}`;
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const engine = await createEngine({
    databaseUrl: `${SERVER}/${name}`,
    logLevel: 'silent',
    scheduler: false,
  });
  try {
    const db = engine.database.db;
    const client = new pg.Client(`${SERVER}/${name}`);
    await client.connect();
    await client.query(`insert into tenants (tenant_id, name, created_at) values ('other', 'other', now())`);
    await client.query(
      `insert into deliveries (tenant_id, user_id, delivery_id, suggestion_id, character_id, channel, address,
         text, expires_at, status, attempts, max_attempts, next_attempt_at, created_at, updated_at)
       select case when i % 10 = 0 then 'other' else 'default' end, 'u' || i, 'd' || i, 's' || i, 'c',
         'telegram', 'a', 'hi', now() + interval '1 day', 'queued', 0, 6, now() - i * interval '1 second', now(), now()
       from generate_series(1, $1::int) i`,
      [n],
    );
    await client.query('vacuum analyze deliveries');
    await client.end();
    const times = [];
    for (let i = 0; i < CLAIMS; i++) {
      const now = new Date();
      const start = performance.now();
      const claimed = await claimDeliveries(db, `bench-${i}`, now, new Date(now.getTime() + 60_000), 4);
      times.push(performance.now() - start);
      if (claimed.length !== 4) throw new Error(`claim ${i} took ${claimed.length} deliveries, not 4`);
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
    console.log(`| ${n.toLocaleString('en')} | ${CLAIMS} | ${at(0.5)} | ${at(0.9)} | ${at(1)} |`);
  } finally {
    await engine.close();
    await admin.query(`drop database if exists ${name}`);
  }
}
await admin.end();
