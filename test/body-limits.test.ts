import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { ADMIN_KEY, event, startTestServer, type TestServer } from './helpers/test-server.js';

// The first test of a file starts its PGlite, which takes far longer than usual on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

/** Polls `attempt` until it returns a value `done` accepts; generous bound, no fixed sleeps racing the server. */
async function eventually<T>(
  attempt: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await attempt();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(BACKENDS)('request body limits on %s', (backend) => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  it('refuses a body over a small route’s limit with 413 naming it, before parsing it', async () => {
    t = await startTestServer(backend);
    const reader = await t.request({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'r', scopes: ['read'] },
    });
    // not JSON at all: a parser would answer 400; the limit answers first
    const res = await t.request({
      method: 'POST',
      url: '/v1/triggers/daily-standup/test',
      key: reader.body.key,
      payload: '['.repeat(70_000),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'payload_too_large',
      message: 'request body is larger than the limit of 65536 bytes',
    });
  });

  it('refuses a body nested deeper than 64 arrays and objects with 400, before parsing it', async () => {
    t = await startTestServer(backend);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const res = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      { path: '', rule: 'must nest arrays and objects at most 64 deep' },
    ]);
    // brackets inside strings are text, and 60 levels of meta are fine
    let meta: unknown = { text: '[[[[{{{{"\\'.repeat(100) };
    for (let i = 0; i < 58; i++) meta = { inner: meta };
    const ok = await t.request({ method: 'POST', url: '/v1/events', payload: { events: [event({ meta })] } });
    expect(ok.status).toBe(200);
  });

  it('takes event batches up to the events limit', async () => {
    t = await startTestServer(backend);
    const events = Array.from({ length: 100 }, (_, i) => event({ id: `e${i}`, text: 'x'.repeat(2000) }));
    const res = await t.request({ method: 'POST', url: '/v1/events', payload: { events } });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(100);
  });

  it('refuses a request with 503 and Retry-After while other bodies hold the in-flight budget, until they are gone', async () => {
    // budget: the largest route limit (a character, 128 KiB) since the configured one is smaller
    t = await startTestServer(backend, { port: 0, eventsBodyLimit: 100_000, bodyBytesInFlight: 65_536 });
    const address = new URL(await t.server.listen());
    // a client that declares 100,000 bytes and sends only the start of them
    const slow = net.connect(Number(address.port), address.hostname);
    slow.on('error', () => {});
    slow.write(
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"events":[`,
    );
    const body = (n: number) => {
      const events = [event({ id: `b${n}`, meta: { pad: 'x'.repeat(8000) } })];
      for (let i = 0; JSON.stringify({ events }).length < 40_000; i++)
        events.push(event({ id: `b${n}-${i}`, meta: { pad: 'x'.repeat(8000) } }));
      return { events };
    };
    const inFlight = async () => {
      const metrics = await t.request({ method: 'GET', url: '/metrics' });
      return Number(/^overture_http_body_bytes_in_flight (\d+)$/m.exec(metrics.body)?.[1]);
    };
    await eventually(inFlight, (bytes) => bytes === 100_000, 'the slow body holding its 100,000 bytes');
    let n = 0;
    const send = () => t.request({ method: 'POST', url: '/v1/events', payload: body(n++) });
    const refused = await send();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.body.error.message).toContain('at most 131072 bytes at once');
    // small bodies still fit beside it
    expect((await t.request({ method: 'GET', url: '/v1/users' })).status).toBe(200);

    slow.destroy();
    const accepted = await eventually(
      send,
      (r) => r.status !== 503,
      'the budget released when the slow client left',
    );
    expect(accepted.status).toBe(200);
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/overture_http_requests_limited_total\{limit="body_bytes"\} [1-9]\d*$/m);
    expect(await inFlight()).toBe(0);
  });
});
