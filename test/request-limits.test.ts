import type { KyselyPlugin } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from '../src/app/create-server.js';
import type { ConfigInput } from '../src/config/config.js';
import type { Database } from '../src/storage/connection/database.js';
import { openPostgres } from '../src/storage/connection/postgres.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { BACKENDS, type Backend, openTestDatabase, POSTGRES_URL } from './helpers/backends.js';
import { ADMIN_KEY } from './helpers/test-server.js';

// The first test of a file starts its PGlite, which takes far longer than usual on a busy machine.
vi.setConfig({ testTimeout: 240_000 });

/** Counts the statements that read `api_keys`: each is a key lookup. */
function countingKeyLookups(database: Database) {
  const counter = { lookups: 0 };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes('"api_keys"')) {
        counter.lookups++;
      }
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { database: { ...database, db: database.db.withPlugin(plugin) } as Database, counter };
}

describe.each(BACKENDS)('request limits on %s', (backend: Backend) => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function start(config: ConfigInput, clock = new FakeClock('2026-11-23T12:00:00Z')) {
    const { database, counter } = countingKeyLookups(await openTestDatabase(backend));
    const server = await createServer(
      { logLevel: 'silent', adminKey: ADMIN_KEY, scheduler: false, ...config },
      { clock, database },
    );
    servers.push(server);
    const request = async (
      url: string,
      key: string | null,
      init: { method?: 'GET' | 'PUT'; payload?: object } = {},
    ) => {
      const res = await server.app.inject({
        method: init.method ?? 'GET',
        url,
        payload: init.payload,
        headers: key === null ? {} : { authorization: `Bearer ${key}` },
      });
      return { status: res.statusCode, body: res.json(), headers: res.headers };
    };
    return { server, clock, counter, request };
  }

  const expectLimited = (
    res: { status: number; body: any; headers: Record<string, unknown> },
    rule: string,
  ) => {
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.message).toContain(rule);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('refuses an address after too many unknown keys with 429, without looking its keys up again', async () => {
    const { server, clock, counter, request } = await start({ failedAuthPerMinute: 5 });
    // a key used before the flood keeps working from the blocked address; a new one does not
    expect((await request('/v1/users', ADMIN_KEY)).status).toBe(200);
    const { key: unused } = await server.engine
      .forTenant('default')
      .createApiKey({ name: 'new', scopes: ['read'] });

    const before = counter.lookups;
    for (let i = 0; i < 5; i++) expect((await request('/v1/users', `wrong-key-${i}`)).status).toBe(401);
    expect(counter.lookups - before).toBe(5);
    expectLimited(
      await request('/v1/users', 'wrong-key-5'),
      '5 requests with an unknown or revoked key per minute',
    );
    const looked = counter.lookups;
    for (let i = 6; i < 50; i++) {
      const res = await request('/v1/users', `wrong-key-${i}`);
      expectLimited(res, 'from this address');
      expect(res.headers['retry-after']).toBe('60');
    }
    expect(counter.lookups).toBe(looked); // 44 refusals, no lookup
    expectLimited(await request('/v1/users', unused), 'from this address');
    expect((await request('/v1/users', ADMIN_KEY)).status).toBe(200);

    clock.advance({ seconds: 30 });
    expect((await request('/v1/users', 'wrong-key-x')).headers['retry-after']).toBe('30');
    clock.advance({ seconds: 31 });
    expect((await request('/v1/users', 'wrong-key-y')).status).toBe(401);
    expect((await request('/v1/users', unused)).status).toBe(200);

    const metrics = await server.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(metrics.body).toMatch(/overture_http_requests_limited_total\{limit="failed_auth"\} 47/);
  });

  it('limits requests per key, each key on its own, with 429 and Retry-After until the minute is over', async () => {
    const { server, clock, request } = await start({ keyRequestsPerMinute: 3 });
    const { key: other } = await server.engine
      .forTenant('default')
      .createApiKey({ name: 'other', scopes: ['read'] });
    for (let i = 0; i < 3; i++) expect((await request('/v1/users', ADMIN_KEY)).status).toBe(200);
    const refused = await request('/v1/users', ADMIN_KEY);
    expectLimited(refused, 'the limit is 3 requests per minute for this API key');
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers['x-ratelimit-limit']).toBe('3');
    // a refused request counts too: the window does not move
    clock.advance({ seconds: 45 });
    expectLimited(await request('/v1/users', ADMIN_KEY), 'retry in 15 s');
    expect((await request('/v1/users', other)).status).toBe(200);
    clock.advance({ seconds: 15 });
    expect((await request('/v1/users', ADMIN_KEY)).status).toBe(200);
  });

  it("limits a tenant's keys together, and not another tenant's", async () => {
    const { server, request } = await start({ tenantRequestsPerMinute: 4 });
    const { key: second } = await server.engine
      .forTenant('default')
      .createApiKey({ name: 'b', scopes: ['read'] });
    const { adminKey } = await server.engine.createTenant({ tenantId: 'acme' });
    for (const key of [ADMIN_KEY, second, ADMIN_KEY, second])
      expect((await request('/v1/users', key)).status).toBe(200);
    expectLimited(await request('/v1/users', second), "4 requests per minute for this key's tenant");
    expectLimited(await request('/v1/users', ADMIN_KEY), "for this key's tenant");
    expect((await request('/v1/users', adminKey.key)).status).toBe(200);
  });

  it("takes a tenant's own limits, which only the operator sets, at once", async () => {
    const { server, clock, request } = await start({ keyRequestsPerMinute: 1000 });
    const { adminKey } = await server.engine.createTenant({ tenantId: 'acme' });
    const own = await request('/v1/tenants/acme/limits', adminKey.key, {
      method: 'PUT',
      payload: { keyRequestsPerMinute: 100_000 },
    });
    expect(own.status).toBe(403); // a tenant does not raise its own limits
    const bad = await request('/v1/tenants/acme/limits', ADMIN_KEY, {
      method: 'PUT',
      payload: { keyRequestsPerMinute: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].field).toBe('keyRequestsPerMinute');
    expect((await request('/v1/tenants/nobody/limits', ADMIN_KEY)).status).toBe(404);

    const set = await request('/v1/tenants/acme/limits', ADMIN_KEY, {
      method: 'PUT',
      payload: { keyRequestsPerMinute: 2 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      keyRequestsPerMinute: 2,
      tenantRequestsPerMinute: null,
      defaults: { keyRequestsPerMinute: 1000, tenantRequestsPerMinute: 12_000 },
    });
    expect((await request('/v1/tenants/acme/limits', ADMIN_KEY)).body.keyRequestsPerMinute).toBe(2);
    clock.advance({ minutes: 1 }); // the refused PUT above counted for acme's key
    for (let i = 0; i < 2; i++) expect((await request('/v1/users', adminKey.key)).status).toBe(200);
    expectLimited(
      await request('/v1/users', adminKey.key),
      'the limit is 2 requests per minute for this API key',
    );

    // 0: no limit for this tenant
    await request('/v1/tenants/acme/limits', ADMIN_KEY, {
      method: 'PUT',
      payload: { keyRequestsPerMinute: 0 },
    });
    for (let i = 0; i < 5; i++) expect((await request('/v1/users', adminKey.key)).status).toBe(200);
    const audit = await server.engine.forTenant('acme').listAudit();
    expect(audit.entries.map((e: { action: string }) => e.action)).toContain('request_limits.updated');
  });
});

describe.skipIf(!POSTGRES_URL)('request limits shared by instances on postgres', () => {
  const servers: Server[] = [];
  const config = {
    logLevel: 'silent',
    adminKey: ADMIN_KEY,
    scheduler: false,
    keyRequestsPerMinute: 4,
    failedAuthPerMinute: 3,
  } as const;
  const get = (server: Server, key: string) =>
    server.app.inject({ url: '/v1/users', headers: { authorization: `Bearer ${key}` } });
  afterEach(async () => {
    // the second instance first: closing the first drops the schema
    for (const server of servers.splice(0).reverse()) await server.close();
  });

  it('counts a key and an address across two instances on one database', async () => {
    const first = await openTestDatabase('postgres');
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const a = await createServer(config, { clock, database: first });
    servers.push(a);
    const second = await openPostgres({ url: POSTGRES_URL!, poolSize: 2, schema: first.schema });
    const b = await createServer({ ...config, migrate: false }, { clock, database: second });
    servers.push(b);

    expect((await get(a, ADMIN_KEY)).statusCode).toBe(200);
    expect((await get(b, ADMIN_KEY)).statusCode).toBe(200);
    expect((await get(a, ADMIN_KEY)).statusCode).toBe(200);
    expect((await get(b, ADMIN_KEY)).statusCode).toBe(200);
    expect((await get(a, ADMIN_KEY)).statusCode).toBe(429);
    expect((await get(b, ADMIN_KEY)).statusCode).toBe(429);

    expect((await get(a, 'wrong-1')).statusCode).toBe(401);
    expect((await get(b, 'wrong-2')).statusCode).toBe(401);
    expect((await get(a, 'wrong-3')).statusCode).toBe(401);
    expect((await get(b, 'wrong-4')).statusCode).toBe(429);
  });

  it('counts requests that arrive together one by one: of six at once under a limit of four, two are refused', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const server = await createServer(config, { clock, database: await openTestDatabase('postgres') });
    servers.push(server);
    const codes = await Promise.all(Array.from({ length: 6 }, () => get(server, ADMIN_KEY)));
    expect(codes.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
