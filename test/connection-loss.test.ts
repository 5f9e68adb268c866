import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { PATIENCE_MS } from './helpers/patience.js';
import { useScratchDatabase, withClient } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;
const USERS = 30;
const ROUNDS = 40;
/** Rounds of terminations, spaced so that the engine reconnects in between. */
const KILLS = 30;

// PostgreSQL only: a server that ends the engine's sessions (a restart, a failover, a pooler
// restart, pg_terminate_backend) is what PGlite, in process, cannot show. Only this test's own
// backends are terminated: those of its scratch database whose application_name is the engine's.
describe.skipIf(!DATABASE_URL)('a PostgreSQL connection ended under the engine', () => {
  let engine: Engine | undefined;
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'connloss', async () => {
    await engine?.close();
    engine = undefined;
  });

  /** Ends every session the engine holds on the scratch database; how many it ended. */
  const terminateEngineBackends = () =>
    withClient(scratch.url, async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from (
           select pg_terminate_backend(pid) from pg_stat_activity
           where datname = current_database() and application_name like 'overture%'
             and pid <> pg_backend_pid()) t`,
      );
      return rows[0]!.n;
    });

  /**
   * Calls `use` until it is acknowledged, as a client retries a failed request; the outer bound
   * is for a hang, not for speed (the terminations stop after KILLS rounds).
   */
  async function untilAcknowledged<T>(use: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + PATIENCE_MS;
    for (;;) {
      try {
        return await use();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(20);
      }
    }
  }

  it('stays up, comes back by itself, and loses or repeats nothing it acknowledged', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const channels = new RecordingChannel();
    engine = await createEngine(
      {
        databaseUrl: scratch.url,
        logLevel: 'silent',
        scheduler: false,
        poolSize: 4,
        secretKey: randomBytes(32).toString('hex'),
      },
      { clock, channels: channels.factory },
    );
    const tenant = engine.forTenant('default');
    await tenant.putPolicy({ allowProactive: true, quietHours: null });
    await tenant.createTrigger({ id: 'ping', name: 'Ping', spec: { kind: 'event', event: 'ping' } });
    await tenant.putCharacter('luna', {});
    await tenant.putChannel('luna', 'telegram', { token: '123456:connection-loss' });
    const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
    for (const userId of users)
      await tenant.updateUser(userId, { addresses: { telegram: `chat-${userId}` } });

    // Ingest round after round while another loop ends the engine's sessions, mid-transaction
    // as often as between them.
    let terminated = 0;
    let kills = 0;
    const killer = (async () => {
      for (; kills < KILLS; kills++) {
        terminated += await terminateEngineBackends();
        await sleep(30);
      }
    })();
    const acknowledged: string[] = [];
    try {
      for (let round = 0; round < ROUNDS || kills < KILLS; round++) {
        const at = clock.now().toISOString();
        const batch = users.map((userId) => ({
          id: `m${round}`,
          kind: 'message_in' as const,
          userId,
          characterId: 'luna',
          at,
          text: `message ${round}`,
        }));
        await untilAcknowledged(() => tenant.ingest(batch));
        acknowledged.push(...batch.map((e) => `${e.userId}/${e.id}`));
        clock.advance({ seconds: 10 });
      }
      clock.advance({ minutes: 40 });
      const at = clock.now().toISOString();
      await untilAcknowledged(() =>
        tenant.ingest(
          users.map((userId) => ({ id: 'p', kind: 'custom', name: 'ping', userId, characterId: 'luna', at })),
        ),
      );
      await untilAcknowledged(() => engine!.sweep());
      await untilAcknowledged(() => engine!.deliver());
    } finally {
      await killer;
    }
    expect(terminated).toBeGreaterThan(0);

    // the database is back: the engine's next calls work without a restart
    await untilAcknowledged(() => engine!.sweep());
    await untilAcknowledged(() => engine!.deliver());
    const stored = await scratch.query<{ user_id: string; event_id: string }>(
      "select user_id, event_id from events where kind = 'message_in'",
    );
    expect(stored.map((e) => `${e.user_id}/${e.event_id}`).sort()).toEqual([...acknowledged].sort());
    const counts = await scratch.query<{ user_id: string; inbound_count: string }>(
      'select user_id, inbound_count from users',
    );
    const rounds = acknowledged.length / USERS;
    expect(counts.every((c) => Number(c.inbound_count) === rounds)).toBe(true);
    // every user was messaged once, whatever the losses on the way
    const suggestions = await scratch.query<{ user_id: string }>('select user_id from suggestions');
    expect(suggestions.map((s) => s.user_id).sort()).toEqual([...users].sort());
    expect(new Set(channels.calls.map((c) => c.address)).size).toBe(channels.calls.length);
  });
});
