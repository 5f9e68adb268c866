import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from '../src/app/create-server.js';
import type { Database } from '../src/storage/connection/database.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { type FakeTelegramServer, startFakeTelegramServer } from '../src/testing/fake-telegram-server.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';
import { PATIENCE_MS } from './helpers/patience.js';

const TOKEN = '123456:telegram-shutdown';
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'];
/** Sends at once, so 3 of the 5 are in flight when the stop comes and 2 wait in the queue. */
const CONCURRENCY = 3;

/** Resolves once `condition` holds, looking every 20 ms; a generous bound, never a timing assertion. */
async function until(condition: () => boolean | Promise<boolean>, what: string, withinMs = PATIENCE_MS) {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/**
 * What a graceful stop (SIGTERM: `overture serve` calls `server.close()`) does to messages being
 * sent, through the real Telegram adapter (grammY) against the fake Bot API, which holds the sends
 * open (issue 16, item 3).
 */
describe.each(BACKENDS)('a graceful stop while sending, on %s', (backend) => {
  let server: Server | undefined;
  let database: Database | undefined;
  let telegram: FakeTelegramServer | undefined;

  afterEach(async () => {
    await server?.close();
    await database?.close();
    await telegram?.close();
    server = database = telegram = undefined;
  });

  /** A server whose deliverer has CONCURRENCY sends held open by the fake, the rest queued. */
  const sendingWhenStopped = async (shutdownTimeoutMs: number, hold: Promise<unknown>) => {
    telegram = await startFakeTelegramServer({ token: TOKEN });
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const opened = await openTestDatabase(backend);
    database = opened;
    server = await createServer(
      {
        logLevel: 'silent',
        scheduler: false,
        secretKey: randomBytes(32).toString('hex'),
        deliveryConcurrency: CONCURRENCY,
        shutdownTimeoutMs,
      },
      // the engine closes a database it is given; this one is read after, then closed by the test
      { clock, database: { ...opened, close: async () => {} } },
    );
    const engine = server.engine;
    const tenant = engine.forTenant('default');
    await tenant.putPolicy({
      allowProactive: true,
      quietHours: null,
      minGapMinutes: 0,
      midConversationMinutes: 0,
      userCaps: { perDay: 50, perWeek: 50 },
      characterCaps: { perDay: 50, perWeek: 50 },
    });
    await tenant.putCharacter('luna', { name: 'Luna' });
    await tenant.putChannel('luna', 'telegram', { token: TOKEN, apiRoot: telegram.apiRoot });
    await tenant.createTrigger({ id: 'ping', name: 'Ping', spec: { kind: 'event', event: 'ping' } });
    for (const userId of USERS) {
      await tenant.updateUser(userId, { addresses: { telegram: `chat-${userId}` } });
      await tenant.ingest({
        id: 'hi',
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at: clock.now().toISOString(),
      });
    }
    clock.advance({ minutes: 40 });
    for (const userId of USERS)
      await tenant.ingest({
        id: 'p',
        kind: 'custom',
        name: 'ping',
        userId,
        characterId: 'luna',
        at: clock.now().toISOString(),
      });
    expect((await engine.sweep()).suggestions).toBe(USERS.length);
    telegram.script(Array.from({ length: CONCURRENCY }, () => ({ handle: true as const, until: hold })));
    engine.deliverer.start();
    await until(() => telegram!.requests.length === CONCURRENCY, 'the sends reach the platform');
    return engine;
  };

  /** Every delivery's status, and the user's message_out events recorded, read after the stop. */
  const outcome = async () => {
    const db = database!.db;
    const deliveries = await db.selectFrom('deliveries').select(['status', 'attempts']).execute();
    const count = (status: string) => deliveries.filter((d) => d.status === status).length;
    const messageOut = await db
      .selectFrom('events')
      .select('event_id')
      .where('kind', '=', 'message_out')
      .execute();
    return {
      sent: count('sent'),
      unknown: count('unknown'),
      queued: deliveries.filter((d) => d.status === 'queued' && d.attempts === 0).length,
      messageOut: messageOut.length,
      delivered: telegram!.delivered.length,
    };
  };

  it('lets the sends in flight finish and records them as sent, claiming nothing more', async () => {
    let release!: () => void;
    const engine = await sendingWhenStopped(120_000, new Promise<void>((resolve) => (release = resolve)));
    let closed = false;
    const closing = server!.close().then(() => (closed = true));
    // the stop has begun (or, where sends are cut short at once, is over) before the platform answers
    await until(() => engine.deliverer.stopping || closed, 'the deliverer is stopping');
    release();
    await closing;
    const after = await outcome();
    console.log(
      `[item 3, ${backend}] ${CONCURRENCY} sends in flight at the stop: ${after.sent} sent, ${after.unknown} unknown; ` +
        `message_out recorded: ${after.messageOut}; reached the platform: ${after.delivered}`,
    );
    expect(after).toEqual({
      sent: CONCURRENCY,
      unknown: 0,
      queued: USERS.length - CONCURRENCY,
      messageOut: CONCURRENCY,
      delivered: CONCURRENCY,
    });
  });

  it('cuts short only the sends still in flight when the grace period ends', async () => {
    // the platform never answers: after the grace period the sends are aborted
    const engine = await sendingWhenStopped(100, new Promise<void>(() => {}));
    await server!.close();
    expect(engine.deliverer.stopping).toBe(true);
    expect(await outcome()).toEqual({
      sent: 0,
      // handed over and unanswered: it may have been delivered (it was), and is not resent
      unknown: CONCURRENCY,
      queued: USERS.length - CONCURRENCY,
      messageOut: 0,
      delivered: CONCURRENCY,
    });
  });
});
