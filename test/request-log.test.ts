import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { redactUrl } from '../src/api/request-log.js';
import { createServer, type Server } from '../src/app/create-server.js';
import { createLogger } from '../src/app/logger.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { openTestDatabase } from './helpers/backends.js';
import { ADMIN_KEY } from './helpers/test-server.js';

// The first test of a file starts its PGlite, which takes far longer than usual on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

describe('the request log', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('never writes a credential sent in a query string', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    server = await createServer(
      { adminKey: ADMIN_KEY, scheduler: false },
      {
        clock: new FakeClock('2026-11-23T12:00:00Z'),
        database: await openTestDatabase('pglite'),
        logger: createLogger({ logLevel: 'info' }, sink),
      },
    );
    const secrets = ['sek-api-key-1', 'sek-token-2', 'sek-Key-3', 'sek-sig-4', 'sek-pass-5', 'sek-enc-6'];
    const urls = [
      `/v1/users?api_key=${secrets[0]}&limit=5`,
      `/v1/stream?token=${secrets[1]}`,
      `/v1/users?KEY=${secrets[2]}`,
      `/v1/hooks/t1?tenant=default&Signature=${secrets[3]}`,
      `/v1/users?password=${secrets[4]}&after=u1`,
      `/v1/users?access%5Ftoken=${secrets[5]}`,
    ];
    for (const url of urls) {
      await server.app.inject({ url, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    }
    const logged = lines.join('\n');
    const incoming = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'incoming request');
    expect(incoming.map((l) => l.req.url)).toEqual([
      '/v1/users?api_key=[redacted]&limit=5',
      '/v1/stream?token=[redacted]',
      '/v1/users?KEY=[redacted]',
      '/v1/hooks/t1?tenant=default&Signature=[redacted]',
      '/v1/users?password=[redacted]&after=u1',
      '/v1/users?access%5Ftoken=[redacted]',
    ]);
    for (const secret of [...secrets, ADMIN_KEY]) expect(logged).not.toContain(secret);
  });

  it('keeps URLs without credentials as they are', () => {
    expect(redactUrl('/v1/users/u1/activity?at=2026-01-01T00:00:00Z')).toBe(
      '/v1/users/u1/activity?at=2026-01-01T00:00:00Z',
    );
    expect(redactUrl('/v1/users')).toBe('/v1/users');
    expect(redactUrl('/v1/users?secret')).toBe('/v1/users?secret=[redacted]');
    expect(redactUrl('/v1/x?client_secret=a&x=%ZZ&Api-Key=b')).toBe(
      '/v1/x?client_secret=[redacted]&x=%ZZ&Api-Key=[redacted]',
    );
  });
});
