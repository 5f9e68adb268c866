import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupFrom } from '../testing/fake-dns.js';
import { OutboundRefusedError, outboundRefusalOf } from './guarded-fetch.js';
import { OutboundGuard } from './outbound-guard.js';

describe('the guarded fetch', () => {
  let server: Server;
  let port: number;
  let handle: (req: IncomingMessage, res: ServerResponse) => void;
  let requests: { host: string | undefined; body: string }[];
  beforeEach(async () => {
    requests = [];
    handle = (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        requests.push({ host: req.headers.host, body });
        handle(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refusalOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    const refused = outboundRefusalOf(error);
    expect(refused).toBeInstanceOf(OutboundRefusedError);
    return refused!.message;
  };

  it('refuses a name when any of its addresses is refused, whatever the others are', async () => {
    const guard = new OutboundGuard(
      { trustedTenants: [], allow: [] },
      {
        lookup: (_host, _options, callback) =>
          (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
            { address: '93.184.216.34', family: 4 },
            { address: '127.0.0.1', family: 4 },
          ]),
      },
    );
    expect(await refusalOf(guard.fetchFor('acme')(`http://two.test:${port}/`))).toContain(
      'two.test resolves to a loopback address',
    );
    expect(requests).toHaveLength(0);
  });

  it.each([
    ['[::1]', 'loopback address (::1/128)'],
    ['0.0.0.0', '"this network" (0.0.0.0 reaches this machine) address (0.0.0.0/8)'],
    ['[::]', 'unspecified (reaches this machine) address (::/128)'],
    ['[::ffff:127.0.0.1]', 'loopback address (127.0.0.0/8)'],
    ['2130706433', 'loopback address (127.0.0.0/8)'],
    ['0x7f.1', 'loopback address (127.0.0.0/8)'],
  ])('refuses the literal host %s of an untrusted tenant before connecting', async (host, rule) => {
    const guard = new OutboundGuard({ trustedTenants: [], allow: [] });
    expect(await refusalOf(guard.fetchFor('acme')(`http://${host}:${port}/`))).toContain(rule);
    expect(requests).toHaveLength(0);
  });

  it('connects to the address the checked lookup gave, keeping the name for the Host header', async () => {
    const guard = new OutboundGuard(
      { trustedTenants: [], allow: ['*.bots.test'] },
      { lookup: lookupFrom({ 'a.bots.test': '127.0.0.1', 'bots.test.evil': '127.0.0.1' }) },
    );
    const response = await guard.fetchFor('acme')(`http://a.bots.test:${port}/x`, {
      method: 'POST',
      body: 'hi',
    });
    expect(await response.json()).toEqual({ ok: true });
    expect(requests).toEqual([{ host: `a.bots.test:${port}`, body: 'hi' }]);
    expect(await refusalOf(guard.fetchFor('acme')(`http://bots.test.evil:${port}/`))).toContain('loopback');
  });

  it("answers like fetch: status, headers, a decompressed body, no body for 204, the request's URL", async () => {
    const fetch = new OutboundGuard().fetchFor('default');
    handle = (_, res) =>
      res
        .writeHead(201, 'Made', { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        .end(gzipSync('{"id":"m-1"}'));
    const made = await fetch(`http://127.0.0.1:${port}/made`);
    expect([made.status, made.statusText, made.ok, made.url]).toEqual([
      201,
      'Made',
      true,
      `http://127.0.0.1:${port}/made`,
    ]);
    expect(await made.json()).toEqual({ id: 'm-1' });
    handle = (_, res) => res.writeHead(204).end();
    const empty = await fetch(`http://127.0.0.1:${port}/`);
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it("stops on the caller's abort, with the signal's reason, from any AbortSignal-like object", async () => {
    const fetch = new OutboundGuard().fetchFor('default');
    handle = () => {}; // never answers
    const listeners: (() => void)[] = [];
    const like = {
      aborted: false,
      reason: undefined,
      addEventListener: (_: string, f: () => void) => listeners.push(f),
      removeEventListener() {},
    };
    const pending = fetch(`http://127.0.0.1:${port}/`, { signal: like as unknown as AbortSignal });
    while (requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    like.aborted = true;
    for (const f of listeners) f();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const timeout = AbortSignal.timeout(1);
    await new Promise((resolve) => timeout.addEventListener('abort', resolve));
    await expect(fetch(`http://127.0.0.1:${port}/`, { signal: timeout })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('refuses a redirect unless the caller asks for it as it is', async () => {
    const fetch = new OutboundGuard().fetchFor('default');
    handle = (_, res) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    expect(await refusalOf(fetch(`http://127.0.0.1:${port}/`))).toBe(
      'redirect refused: HTTP 302 (never followed)',
    );
    const manual = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([302, 'http://169.254.169.254/']);
    // 304 and 300 are no redirects fetch would follow: handed over as they are
    handle = (_, res) => res.writeHead(304).end();
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(304);
    expect(requests).toHaveLength(3);
  });
});

describe('OutboundGuard.refusalOfUrl', () => {
  const guard = new OutboundGuard({ trustedTenants: ['default'], allow: ['10.0.5.0/24'] });
  it('tells at once of an IP address the tenant may not reach; a name waits for DNS', () => {
    expect(guard.refusalOfUrl('acme', 'http://127.0.0.1:8080/hook')).toContain('loopback');
    expect(guard.refusalOfUrl('default', 'http://127.0.0.1:8080/hook')).toBeNull();
    expect(guard.refusalOfUrl('default', 'http://[::ffff:169.254.169.254]/')).toContain('link-local');
    expect(guard.refusalOfUrl('acme', 'http://10.0.5.9/')).toBeNull();
    expect(guard.refusalOfUrl('acme', 'http://localhost:8080/')).toBeNull();
    expect(guard.refusalOfUrl('acme', 'not a url')).toBeNull();
  });
});
