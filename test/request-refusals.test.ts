import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/cli.js';
import { PATIENCE_MS } from './helpers/patience.js';
import { ADMIN_KEY, event, startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('requests refused before any route runs, on %s', (backend) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers a wrong method on an existing path 405 with Allow, in the error shape; an unknown path stays 404', async () => {
    t = await startTestServer(backend);
    const del = await t.request({ method: 'DELETE', url: '/v1/events' });
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('POST');
    expect(del.body).toEqual({
      error: { code: 'method_not_allowed', message: expect.stringMatching(/DELETE.*POST/) },
    });

    const post = await t.request({ method: 'POST', url: '/v1/users/u1', payload: {} });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD, PATCH');
    expect(post.body.error.code).toBe('method_not_allowed');

    const unknown = await t.request({ method: 'GET', url: '/v1/nothing-here' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    // without a key nothing but /health answers, whatever the method
    expect((await t.request({ method: 'DELETE', url: '/v1/events', key: null })).status).toBe(401);
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/xml', '<events/>'],
    ['application/x-www-form-urlencoded', 'a=1'],
  ])('answers a %s body 415, naming the type it takes', async (type, payload) => {
    t = await startTestServer(backend);
    const res = await t.request({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': type },
      payload,
    });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: expect.stringContaining('application/json'),
      issues: [{ path: 'headers.content-type', rule: 'must be application/json' }],
    });
    expect(res.body.error.message).toContain(type);
  });

  it('answers a request that arrives while it shuts down 503 in the error shape, after finishing the one in flight', async () => {
    t = await startTestServer(backend, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 120_000 });
    const server = t.server;
    const address = new URL(await server.listen());
    const socket = connect(Number(address.port), address.hostname);
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
    });
    await once(socket, 'connect');

    // A request in flight (half its body sent) when the server begins to close ...
    const body = JSON.stringify(event());
    const half = Math.floor(body.length / 2);
    const taken = once(server.app.server, 'request');
    socket.write(
      `POST /v1/events HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
    );
    await taken;
    const closed = server.close();
    await until(
      () => !server.app.server.listening,
      () => 'the server to stop listening',
    );
    // ... then its rest, and a second request on the same connection.
    socket.write(
      `${body.slice(half)}GET /v1/tenant HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n\r\n`,
    );
    await until(
      () => (received.match(/HTTP\/1\.1 /g) ?? []).length >= 2 && received.trimEnd().endsWith('}'),
      () => `two answers, got: ${received}`,
      { timeoutMs: PATIENCE_MS },
    );
    socket.destroy();
    await closed;

    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    const answer = JSON.parse(second!.slice(second!.indexOf('\r\n\r\n') + 4));
    expect(answer).toEqual({
      error: { code: 'unavailable', message: expect.stringContaining('shutting down') },
    });
  });
});
