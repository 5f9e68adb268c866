#!/usr/bin/env node
// Where an ingest batch spends its time: runs the steps of POST /v1/events one after another,
// in this process and on one connection, and times each one (JSON parse, zod validation, the four
// SQL statements of the transaction, response serialisation). Uses the compiled code in dist/.
//
//   npm run build && node bench/ingest-statements.mjs [--backend postgres|pglite] [--batches N]
//                                                     [--explain] [--variant name]
//
// --explain (PostgreSQL) prints EXPLAIN (ANALYZE, BUFFERS) of the four statements for one more
// batch, rolled back.
// --variant runs one alternative, measured the same way, to test a proposed change without editing
// src/:  no-fk-triggers  (user_characters without its two foreign keys)
//        no-time-index   (events without the events_by_user_time index)
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { EventBatch, IngestResult } from '../dist/contract/event.schema.js';
import { foldActivity } from '../dist/domain/signals/activity-delta.js';
import { prepareEvents } from '../dist/engine/signals/ingest.js';
import { migrateToLatest } from '../dist/storage/connection/migrator.js';
import { openPglite } from '../dist/storage/connection/pglite.js';
import { openPostgres } from '../dist/storage/connection/postgres.js';
import {
  applyPairDeltas,
  applyUserDeltas,
  ensureCharacters,
  insertNewEvents,
} from '../dist/storage/event.repository.js';
import { createEventGenerator } from './lib/events.mjs';
import { createScratchDatabase } from './lib/service.mjs';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'postgres' },
    batches: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '30' },
    users: { type: 'string', default: '100000' },
    explain: { type: 'boolean', default: false },
    variant: { type: 'string', default: 'none' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const batches = Math.min(10_000, Math.max(1, Number(values.batches)));
const warmup = Math.min(10_000, Math.max(0, Number(values.warmup)));
if (!['postgres', 'pglite'].includes(values.backend)) throw new Error('--backend must be postgres or pglite');
if (!['none', 'no-fk-triggers', 'no-time-index'].includes(values.variant))
  throw new Error('unknown --variant');
if (new URL(values['pg-server']).hostname !== '127.0.0.1')
  throw new Error('--pg-server must be on 127.0.0.1');

const STEPS = [
  'json parse',
  'zod validate',
  'dedupe+sort+fold',
  'begin',
  'insert events',
  'ensure characters',
  'upsert users',
  'upsert user_characters',
  'commit',
  'serialise answer',
];

async function main() {
  let scratch;
  let database;
  if (values.backend === 'postgres') {
    scratch = await createScratchDatabase(
      values['pg-server'].replace(/\/+$/, ''),
      `bench_stmt_${process.pid}_${Date.now().toString(36)}`,
    );
    database = await openPostgres({ url: scratch.url, poolSize: 1 });
  } else {
    database = await openPglite('memory://');
  }
  try {
    const db = database.db;
    await migrateToLatest(db);
    if (values.variant === 'no-fk-triggers') {
      await sql`alter table user_characters drop constraint user_characters_tenant_id_user_id_fkey, drop constraint user_characters_tenant_id_character_id_fkey`.execute(
        db,
      );
    }
    if (values.variant === 'no-time-index') await sql`drop index events_by_user_time`.execute(db);
    const tenantId = 'bench';
    await sql`insert into tenants (tenant_id, name, created_at) values (${tenantId}, 'bench', now())`.execute(
      db,
    );

    const generator = createEventGenerator({ users: Number(values.users), runId: 's' });
    const times = STEPS.map(() => []);
    const total = [];
    for (let b = 0; b < warmup + batches; b++) {
      const body = generator.nextBody(1000).toString();
      const t = [process.hrtime.bigint()];
      const mark = () => t.push(process.hrtime.bigint());
      const parsed = JSON.parse(body);
      mark();
      const events = EventBatch.parse(parsed).events;
      mark();
      const { unique } = prepareEvents(events);
      const { users, pairs } = foldActivity(unique);
      const characters = [...new Set(unique.map((e) => e.characterId))].sort();
      mark();
      const now = new Date();
      let inserted;
      await db.connection().execute(async (c) => {
        await sql`begin`.execute(c);
        mark();
        inserted = await insertNewEvents(c, tenantId, unique, now);
        mark();
        await ensureCharacters(c, tenantId, characters, now);
        mark();
        await applyUserDeltas(c, tenantId, users, now);
        mark();
        await applyPairDeltas(c, tenantId, pairs, now);
        mark();
        await sql`commit`.execute(c);
        mark();
      });
      const result = {
        accepted: inserted.length,
        duplicates: 0,
        results: events.map((e) => ({ id: e.id, userId: e.userId, status: 'accepted' })),
      };
      JSON.stringify(IngestResult.parse(result));
      mark();
      if (b >= warmup) {
        for (let i = 0; i < STEPS.length; i++) times[i].push(Number(t[i + 1] - t[i]) / 1e6);
        total.push(Number(t[t.length - 1] - t[0]) / 1e6);
      }
    }

    const median = (xs) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)];
    const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
    console.log(
      `${values.backend}${values.variant === 'none' ? '' : ` (variant ${values.variant})`}: ${batches} batches of 1,000 after ${warmup} warm-up, one at a time, ${values.users} users`,
    );
    console.log('| step | median ms | mean ms | share of mean |');
    console.log('| --- | ---: | ---: | ---: |');
    const totalMean = mean(total);
    STEPS.forEach((step, i) => {
      console.log(
        `| ${step} | ${median(times[i]).toFixed(2)} | ${mean(times[i]).toFixed(2)} | ${((100 * mean(times[i])) / totalMean).toFixed(0)}% |`,
      );
    });
    console.log(`| total | ${median(total).toFixed(2)} | ${totalMean.toFixed(2)} | 100% |`);

    if (values.explain && scratch) await explain(scratch.url, tenantId, generator);
  } finally {
    await database.close();
    await scratch?.drop();
  }
}

/**
 * EXPLAIN ANALYZE of the four statements for one more batch, in a transaction that is rolled back:
 * the repository functions run unchanged over a client whose INSERTs are prefixed with EXPLAIN.
 */
async function explain(url, tenantId, generator) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const query = client.query.bind(client);
  client.query = async (text, params) => {
    if (typeof text !== 'string' || !/^\s*insert/i.test(text)) return query(text, params);
    const plan = await query(`explain (analyze, buffers, costs off) ${text}`, params);
    console.log(`\n${text.replace(/\s+/g, ' ').slice(0, 100)}...`);
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);
    return { rows: [], rowCount: 0, command: 'INSERT' };
  };
  client.release = () => {};
  const db = new Kysely({
    dialect: new PostgresDialect({ pool: { connect: async () => client, end: async () => {} } }),
  });
  const events = EventBatch.parse(JSON.parse(generator.nextBody(1000).toString())).events;
  const { unique } = prepareEvents(events);
  const { users, pairs } = foldActivity(unique);
  const now = new Date();
  try {
    await query('begin');
    // EXPLAIN ANALYZE executes each statement, so the later ones see the earlier ones' rows
    await insertNewEvents(db, tenantId, unique, now);
    await ensureCharacters(db, tenantId, [...new Set(unique.map((e) => e.characterId))].sort(), now);
    await applyUserDeltas(db, tenantId, users, now);
    await applyPairDeltas(db, tenantId, pairs, now);
  } finally {
    await query('rollback');
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
