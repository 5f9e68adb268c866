import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;
const USERS = 40;

// PostgreSQL only: two engines with pools of their own share one database's outbox, which
// PGlite (one connection, one process) cannot show.
describe.skipIf(!DATABASE_URL)('delivery shared by two instances on PostgreSQL', () => {
  const engines: Engine[] = [];
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'deliver', async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });

  it('sends every message exactly once, each by one instance', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    // one recorder behind both engines' adapters; each send takes a little while, so claims interleave
    const channels = new RecordingChannel();
    const config = {
      databaseUrl: scratch.url,
      logLevel: 'silent' as const,
      scheduler: false,
      poolSize: 4,
      deliveryConcurrency: 3,
      secretKey: randomBytes(32).toString('hex'),
    };
    for (let i = 0; i < 2; i++) {
      const engine = await createEngine(config, {
        clock,
        channels: (opened) => {
          const adapter = channels.factory(opened);
          return {
            ...adapter,
            send: async (message, signal) => {
              await sleep(5);
              return adapter.send(message, signal);
            },
          };
        },
      });
      engines.push(engine);
    }
    const [a, b] = engines as [Engine, Engine];
    const tenant = a.forTenant('default');
    await tenant.putPolicy({ allowProactive: true, quietHours: null });
    await tenant.createTrigger({ id: 'ping', name: 'Ping', spec: { kind: 'event', event: 'ping' } });
    await tenant.putCharacter('luna', {});
    await tenant.putChannel('luna', 'telegram', { token: '123456:two-instances' });
    const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
    for (const userId of users)
      await tenant.updateUser(userId, { addresses: { telegram: `chat-${userId}` } });
    const at = () => clock.now().toISOString();
    await tenant.ingest(
      users.map((userId) => ({ id: 'hi', kind: 'message_in', userId, characterId: 'luna', at: at() })),
    );
    clock.advance({ minutes: 40 });
    await tenant.ingest(
      users.map((userId) => ({
        id: 'p',
        kind: 'custom',
        name: 'ping',
        userId,
        characterId: 'luna',
        at: at(),
      })),
    );
    expect((await a.sweep()).suggestions).toBe(USERS);

    const [ra, rb] = await Promise.all([a.deliver(), b.deliver()]);
    expect(ra.sent + rb.sent).toBe(USERS);
    expect(ra.lost + rb.lost).toBe(0);
    // both took part (each claims 3 at a time; with 40 queued, neither can take them all first)
    expect(ra.sent).toBeGreaterThan(0);
    expect(rb.sent).toBeGreaterThan(0);
    expect(channels.calls).toHaveLength(USERS);
    expect(new Set(channels.calls.map((c) => c.deliveryId)).size).toBe(USERS);
    expect(new Set(channels.calls.map((c) => c.address)).size).toBe(USERS);
    const db = a.database.db;
    const deliveries = await db.selectFrom('deliveries').select(['status', 'attempts']).execute();
    expect(deliveries).toHaveLength(USERS);
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
    const sent = await db.selectFrom('suggestions').select('status').where('status', '=', 'sent').execute();
    expect(sent).toHaveLength(USERS);
    const outbound = await db
      .selectFrom('events')
      .select('event_id')
      .where('kind', '=', 'message_out')
      .execute();
    expect(outbound).toHaveLength(USERS);
  });
});
