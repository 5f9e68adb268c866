import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { insertOccasions } from '../src/storage/occasion.repository.js';
import { claimDuePairs, completePairs, hintPairs } from '../src/storage/schedule.repository.js';
import type { Db } from '../src/storage/schema.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { BACKENDS } from './helpers/backends.js';
import { useScratchDatabase } from './helpers/scratch-database.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const DATABASE_URL = process.env.DATABASE_URL;
const LEASE_MS = 60_000;
const PAIR = { userId: 'maya', characterId: 'luna' };
/** Caps that let every call through: this is about when a pair is decided, not how often it may speak. */
const NO_CAPS = { userCaps: { perDay: 50, perWeek: 50 }, characterCaps: { perDay: 50, perWeek: 50 } };
/** A webhook trigger's secret is stored sealed under it. */
const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/** The pair's row in the scheduler's table. */
async function pairRow(db: Db) {
  const { rows } = await sql<{ next_due_at: Date | null; claim_token: string | null; hint_at: Date | null }>`
    select next_due_at, claim_token, hint_at from pair_schedules
    where user_id = ${PAIR.userId} and character_id = ${PAIR.characterId}`.execute(db);
  return rows[0]!;
}

/** A transaction that does `work`, then stays open until `release` is called. */
function holdTransaction(db: Db, work: (trx: Db) => Promise<unknown>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const done = db.transaction().execute(async (trx) => {
    await work(trx);
    started();
    await gate;
  });
  // a failure shows in `ready` too, instead of leaving the test waiting on it
  done.catch(() => started());
  return { ready, release, done };
}

/**
 * What `recordFiring` (engine/triggers/hooks.ts) writes for a webhook call or a manual fire, in
 * one transaction: the occasion, and a request that the pair be decided now.
 */
async function recordOccasion(trx: Db, key: string, now: Date) {
  await insertOccasions(
    trx,
    'default',
    [
      {
        ...PAIR,
        triggerId: 'alert',
        key: `fire:${key}`,
        at: now,
        expiresAt: new Date(now.getTime() + 3_600_000),
        detail: {},
      },
    ],
    now,
  );
  await hintPairs(trx, 'default', [{ ...PAIR, at: now }]);
}

describe.each(BACKENDS)('an occasion recorded while its pair is claimed, on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
  });
  afterEach(async () => {
    await t.close();
  });

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const fire = (id: string) =>
    ok({ method: 'POST', url: '/v1/triggers/alert/fire', payload: { ...PAIR, id } });

  it('makes the pair due at once when a claim ends after an occasion arrived, and decides every occasion waiting', async () => {
    const db = t.server.engine.database.db;
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      payload: { allowProactive: true, quietHours: null, minGapMinutes: 0, ...NO_CAPS },
    });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: { id: 'hi', kind: 'message_in', ...PAIR, at: t.clock.now().toISOString(), text: 'hi' },
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'alert', name: 'Alert', spec: { kind: 'webhook' }, cooldownMinutes: 0 },
    });
    t.clock.advance({ minutes: 31 }); // past the conversation
    await t.server.engine.scheduler.runUntilIdle();
    await fire('first');

    // an instance claims the pair and decides it (the first call's occasion) ...
    const now = t.clock.now();
    const token = 'other-instance:1';
    const claimed = await claimDuePairs(db, {
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      token,
      limit: 10,
    });
    expect(claimed).toEqual([{ tenantId: 'default', ...PAIR }]);
    // ... while a second call arrives
    await fire('second');
    // ... and it ends its claim with nothing further due, as it knew of nothing else
    await db
      .transaction()
      .execute((trx) => completePairs(trx, 'default', token, [{ ...PAIR, next: null }], now));

    const row = await pairRow(db);
    expect(row.claim_token).toBeNull();
    expect(row.next_due_at!.getTime()).toBeLessThanOrEqual(now.getTime());
    // decided at the same instant: both calls become messages, nobody waits for a lease
    const swept = await t.server.engine.scheduler.runUntilIdle();
    expect(swept.suggestions).toBe(2);
  });
});

// PostgreSQL only: two instances, one deciding the pair while the other records an occasion for it.
describe.skipIf(!DATABASE_URL)('an occasion recorded while the sweep writes its pair, on PostgreSQL', () => {
  const engines: Engine[] = [];
  let watcher: pg.Client | undefined;
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'claim', async () => {
    await watcher?.end();
    watcher = undefined;
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  const start = async (clock: FakeClock) => {
    const engine = await createEngine(
      { databaseUrl: scratch.url, logLevel: 'silent', scheduler: false, poolSize: 3, secretKey: SECRET_KEY },
      { clock },
    );
    engines.push(engine);
    return engine;
  };

  /** Waits until a session on the scratch database waits for a row lock in a statement matching `like`. */
  async function waitForLockWait(like: string) {
    const deadline = performance.now() + 120_000;
    for (;;) {
      const { rows } = await watcher!.query(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock' and query like $1`,
        [like],
      );
      if (rows[0].n > 0) return;
      if (performance.now() > deadline) throw new Error(`no session waited on a lock in ${like}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('releases the claim and makes the pair due at once, so the occasion is decided without waiting for the lease', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const engine = await start(clock);
    const other = await start(clock);
    watcher = new pg.Client({ connectionString: scratch.url });
    await watcher.connect();
    const db = engine.database.db;
    const tenant = engine.forTenant('default');
    await tenant.putPolicy({ allowProactive: true, quietHours: null, minGapMinutes: 0, ...NO_CAPS });
    await tenant.ingest({ id: 'hi', kind: 'message_in', ...PAIR, at: clock.now().toISOString(), text: 'hi' });
    await tenant.createTrigger({ id: 'alert', name: 'Alert', spec: { kind: 'webhook' }, cooldownMinutes: 0 });
    clock.advance({ minutes: 31 });
    await engine.scheduler.runUntilIdle();
    await tenant.fireTrigger('alert', { ...PAIR, id: 'first' });

    // The sweep claims the pair and decides to speak (the first call); its write waits for the
    // user's row lock, held here: it stands for any delay between a claim and its end.
    const user = holdTransaction(db, (trx) =>
      sql`select 1 from users where user_id = ${PAIR.userId} for update`.execute(trx),
    );
    await user.ready;
    const sweep = engine.scheduler.runUntilIdle();
    sweep.catch(() => {});
    await waitForLockWait('%from users%for update%');

    // A second call arrives meanwhile at the other instance; its transaction writes the claimed
    // pair's row (the request to decide it now) and has not committed when the sweep comes to
    // end its claim.
    const now = clock.now();
    const call = holdTransaction(other.database.db, (trx) => recordOccasion(trx, 'second', now));
    await call.ready;
    user.release();
    await user.done;
    await waitForLockWait('%pair_schedules%claim_token%');
    call.release();
    await call.done;

    // The sweep goes on at the same instant: the claim it ended is free, the pair due at once,
    // and the second call is decided now, not when the lease runs out a minute later.
    const swept = await sweep;
    expect(swept.suggestions).toBe(2);
    const row = await pairRow(db);
    expect(row.claim_token).toBeNull();
    const made = await sql<{ occasion_key: string }>`
      select occasion_key from suggestions order by occasion_key`.execute(db);
    expect(made.rows.map((r) => r.occasion_key)).toEqual(['fire:first', 'fire:second']);
  });
});
