import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/app/create-engine.js';
import { createServer, type Server } from '../src/app/create-server.js';
import type { ConfigInput } from '../src/config/config.js';
import { OvertureError } from '../src/contract/errors.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { TcpProxy } from '../src/testing/tcp-proxy.js';
import { openTestDatabase, POSTGRES_URL } from './helpers/backends.js';
import { freePort, until } from './helpers/cli.js';
import { PATIENCE_MS } from './helpers/patience.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const ADMIN_KEY = 'test-admin-key-0123456789';

/** A pino logger writing parsed lines to an array. */
function memoryLogger() {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text) lines.push(JSON.parse(text));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, sink) };
}

/** Fails naming `what` when `promise` has not settled within the (generous) bound. */
async function within<T>(promise: Promise<T>, what: string, ms = PATIENCE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function ingest(server: Server, id: string) {
  return server.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: { id, kind: 'message_in', userId: 'u1', characterId: 'aria', at: '2026-11-23T11:00:00Z' },
  });
}

const health = (server: Server) => server.app.inject({ method: 'GET', url: '/health' });

/** Warnings and errors, and every line that carries a stack. */
const noisy = (lines: Record<string, any>[]) =>
  lines.filter((l) => l.level >= 40 || JSON.stringify(l).includes('\\n    at '));

// PostgreSQL only: the engine reaches a scratch database through a TCP proxy the test pauses (a
// frozen server, a partition) or takes down (a stopped server); the shared server is untouched.
describe.skipIf(!POSTGRES_URL)('a PostgreSQL server that freezes or goes away', () => {
  let server: Server | undefined;
  let proxy: TcpProxy | undefined;
  const scratch = useScratchDatabase(POSTGRES_URL ?? '', 'dbdown', async () => {
    proxy?.resume();
    await server?.close();
    await proxy?.close();
    server = undefined;
    proxy = undefined;
  });

  async function start(config: ConfigInput, logger?: pino.Logger) {
    const target = new URL(POSTGRES_URL!);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    server = await createServer(
      {
        databaseUrl: proxy.urlFor(scratch.url),
        adminKey: ADMIN_KEY,
        logLevel: 'silent',
        databaseConnectTimeoutMs: 1000,
        databaseStatementTimeoutMs: 1000,
        ...config,
      },
      { clock: new FakeClock('2026-11-23T12:00:00Z'), ...(logger ? { logger } : {}) },
    );
    expect((await ingest(server, 'before')).statusCode).toBe(200);
    return { server, proxy };
  }

  it('answers 503 with Retry-After, and /health "down" without details, while the server is frozen; serves again when it thaws', async () => {
    const { server, proxy } = await start({ scheduler: false });
    proxy.pause();

    const frozen = await within(ingest(server, 'frozen'), 'POST /v1/events with the server frozen');
    expect(frozen.statusCode).toBe(503);
    expect(frozen.headers['retry-after']).toBe('5');
    expect(frozen.json().error).toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/database/),
    });
    expect(frozen.body).not.toContain('127.0.0.1');

    const healthFrozen = await within(health(server), 'GET /health with the server frozen');
    expect(healthFrozen.statusCode).toBe(503);
    expect(healthFrozen.json()).toEqual({ status: 'unavailable', database: 'down' });

    proxy.resume();
    await until(
      async () => (await ingest(server, 'thawed')).statusCode === 200,
      () => 'ingest to work again once the server answers',
      { timeoutMs: PATIENCE_MS },
    );
    expect((await health(server)).statusCode).toBe(200);
  });

  it('while the server is down: 503 with Retry-After, one log line for the outage and one when it is back, and the background loops resume by themselves', async () => {
    const { lines, logger } = memoryLogger();
    const { server, proxy } = await start({ scheduler: true, schedulerIntervalMs: 20 }, logger);
    const from = lines.length;

    await proxy.down();
    for (let i = 0; i < 20; i++) {
      const answer = await within(ingest(server, `down-${i}`), 'POST /v1/events with the server down');
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.json().error.code).toBe('unavailable');
    }
    const healthDown = await within(health(server), 'GET /health with the server down');
    expect(healthDown.statusCode).toBe(503);
    expect(healthDown.json()).toEqual({ status: 'unavailable', database: 'down' });
    expect(healthDown.body).not.toContain('ECONNREFUSED');
    await sleep(300); // the loops tick every 20 ms meanwhile, and fail

    const outage = lines.slice(from);
    const down = outage.filter((l) => String(l.msg).startsWith('database unreachable'));
    expect(down, JSON.stringify(noisy(outage))).toHaveLength(1);
    expect(down[0]).toMatchObject({ level: 50, reason: expect.any(String) });
    // besides it, at most the stream relay's own two lines (its LISTEN connection lost, not back)
    const others = noisy(outage).filter((l) => l !== down[0]);
    expect(
      others.every((l) => String(l.msg).startsWith('stream relay')),
      JSON.stringify(others),
    ).toBe(true);
    expect(others.length, JSON.stringify(others)).toBeLessThanOrEqual(2);

    // Back: the loops reach the database by themselves, with no request to wake them.
    const upAt = lines.length;
    await proxy.up();
    await until(
      () => lines.slice(upAt).some((l) => l.msg === 'database reachable again'),
      () => `the line saying the database is back: ${JSON.stringify(lines.slice(upAt))}`,
      { timeoutMs: PATIENCE_MS },
    );
    expect(lines.slice(upAt).filter((l) => l.msg === 'database reachable again')).toHaveLength(1);
    expect((await ingest(server, 'back')).statusCode).toBe(200);
    expect(lines.slice(from).filter((l) => String(l.msg).startsWith('database unreachable'))).toHaveLength(1);
  });

  it('refuses to start against a server that is not there with `unavailable`, the driver error as its cause', async () => {
    const port = await freePort(); // nothing listens there
    const url = new URL(POSTGRES_URL!);
    url.port = String(port);
    url.hostname = '127.0.0.1';
    const error = await createEngine({
      databaseUrl: url.toString(),
      logLevel: 'silent',
      databaseConnectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvertureError);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
    });
  });
});

describe('GET /health on PGlite', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('answers "down" within the connect timeout while the one connection is held, and "ok" once it is free', async () => {
    const database = await openTestDatabase('pglite');
    const server = await createServer(
      { logLevel: 'silent', adminKey: ADMIN_KEY, scheduler: false, databaseConnectTimeoutMs: 200 },
      { database, clock: new FakeClock('2026-11-23T12:00:00Z') },
    );
    closers.push(() => server.close());
    expect((await health(server)).json()).toEqual({ status: 'ok', database: 'ok' });

    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let begun!: () => void;
    const inside = new Promise<void>((resolve) => {
      begun = resolve;
    });
    const transaction = database.db.transaction().execute(async () => {
      begun();
      await held;
    });
    await inside;
    try {
      const busy = await within(health(server), 'GET /health while the connection is held');
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('5');
      expect(busy.json()).toEqual({ status: 'unavailable', database: 'down' });
    } finally {
      release();
      await transaction;
    }
    expect((await health(server)).statusCode).toBe(200);
  }, 120_000);
});
