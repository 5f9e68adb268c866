import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/app/create-engine.js';
import { hashKey } from '../src/engine/accounts/api-keys.js';
import { bootstrapTenancy } from '../src/engine/accounts/tenants.js';
import type { Database } from '../src/storage/connection/database.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';
import { registeredRoutes } from './helpers/routes.js';
import { ADMIN_KEY, event, startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('API keys and scopes on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  const createKey = async (payload: object, key = ADMIN_KEY) => {
    const res = await t.request({ method: 'POST', url: '/v1/keys', payload, key });
    expect(res.status).toBe(201);
    return res.body as { key: string; keyId: string; scopes: string[] };
  };
  const listKeys = async () => {
    const res = await t.request({ method: 'GET', url: '/v1/keys' });
    expect(res.status).toBe(200);
    return res.body.keys as { keyId: string; revokedAt: string | null; lastUsedAt: string | null }[];
  };
  const revoke = (keyId: string, key = ADMIN_KEY) =>
    t.request({ method: 'DELETE', url: `/v1/keys/${keyId}`, key });
  const ownKeyId = async (key: string) =>
    (await t.request({ method: 'GET', url: '/v1/tenant', key })).body.key.keyId;
  const expectUnauthorized = (res: { status: number; body: any }, message: string) => {
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(res.body.error.message).toContain(message);
  };

  it('answers 401 with a message saying how to authenticate when no key is sent', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/users', key: null });
    expectUnauthorized(res, 'Authorization: Bearer <API key>');
  });

  it.each([
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['"Bearer" without a key', 'Bearer'],
    ['"Bearer " and blanks', 'Bearer   '],
    ['a key without a scheme', ADMIN_KEY],
    ['two words after Bearer', `Bearer ${ADMIN_KEY} extra`],
  ])('answers 401 to a malformed Authorization header: %s', async (_name, authorization) => {
    const res = await t.request({ method: 'GET', url: '/v1/users', key: null, headers: { authorization } });
    expectUnauthorized(res, 'must be "Bearer <API key>"');
  });

  it('answers 401 to a key it does not know', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/users', key: 'ovk_not-a-key-of-this-server' });
    expectUnauthorized(res, 'unknown API key');
  });

  it('refuses a key at once after DELETE /v1/keys/{keyId}', async () => {
    const { key, keyId } = await createKey({ name: 'bot' });
    expect((await t.request({ method: 'GET', url: '/v1/users', key })).status).toBe(200);
    const res = await revoke(keyId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ keyId, revokedAt: '2026-11-23T12:00:00.000Z' });
    expectUnauthorized(await t.request({ method: 'GET', url: '/v1/users', key }), 'revoked');
    expectUnauthorized(
      await t.request({ method: 'POST', url: '/v1/events', payload: event(), key }),
      'revoked',
    );
  });

  it.each([
    ['POST', '/v1/events', 'a read-only key', ['read'], event(), 'write'],
    ['GET', '/v1/users', 'a write-only key', ['write'], undefined, 'read'],
    ['GET', '/v1/keys', 'a read+write key', ['read', 'write'], undefined, 'admin'],
    ['POST', '/v1/keys', 'a read+write key', ['read', 'write'], { name: 'x' }, 'admin'],
    ['GET', '/metrics', 'a read key', ['read'], undefined, 'admin'],
    ['GET', '/v1/users/u1', 'an admin-only key', ['admin'], undefined, 'read'],
    ['PUT', '/v1/characters/aria', 'an admin-only key', ['admin'], {}, 'write'],
  ] as const)(
    'answers 403 to %s %s with %s, naming the missing scope',
    async (method, url, _who, scopes, payload, needed) => {
      const { key } = await createKey({ name: 'limited', scopes });
      const res = await t.request({ method, url, key, ...(payload ? { payload } : {}) });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.message).toContain(`needs a key with the "${needed}" scope`);
    },
  );

  it('checks the scope before the body: a read key sending a bad event gets 403, not 400', async () => {
    const { key } = await createKey({ name: 'reader', scopes: ['read'] });
    const res = await t.request({ method: 'POST', url: '/v1/events', payload: { junk: true }, key });
    expect(res.status).toBe(403);
  });

  it('lets a read+write key send events and read users', async () => {
    const { key } = await createKey({ name: 'bot', scopes: ['read', 'write'] });
    expect((await t.request({ method: 'POST', url: '/v1/events', payload: event(), key })).status).toBe(200);
    expect((await t.request({ method: 'GET', url: '/v1/users/u1', key })).status).toBe(200);
    expect((await t.request({ method: 'GET', url: '/v1/tenant', key })).body).toMatchObject({
      tenantId: 'default',
      key: { scopes: ['read', 'write'] },
    });
  });

  it('serves GET /health without a key', async () => {
    const res = await t.request({ method: 'GET', url: '/health', key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
    const head = await t.server.app.inject({ method: 'HEAD', url: '/health' });
    expect(head.statusCode).toBe(200);
  });

  it('asks for a key on every route but /health, before validating anything', async () => {
    const registered = registeredRoutes(t.server.app);
    // Guards against the route list coming back empty, which would make this test vacuous.
    expect(registered).toContain('POST /v1/events');
    // registeredRoutes leaves out the HEAD routes Fastify adds beside each GET; they need a key too.
    const heads = registered.filter((r) => r.startsWith('GET ')).map((r) => r.replace(/^GET/, 'HEAD'));
    for (const route of [...registered, ...heads]) {
      if (route.endsWith(' /health')) continue;
      // public: a webhook call is authenticated by its signature instead (test/hooks.test.ts)
      if (route === 'POST /v1/hooks/:triggerId') continue;
      // public over HTTP (426): the WebSocket takes its key after the upgrade, from the header or
      // a first message, and closes with 4401 without one (test/stream.test.ts)
      if (route.endsWith(' /v1/stream')) continue;
      const [method, url] = route.split(' ') as ['GET', string];
      expect(t.server.app.hasRoute({ method, url }), route).toBe(true);
      // No body at all: with a key, several of these would be 400; without one, 401 comes first.
      const res = await t.server.app.inject({ method, url: url.replace(/:\w+/g, 'x') });
      expect(res.statusCode, route).toBe(401);
    }
  });

  it('asks for a key on an unknown URL, and answers 404 only to a caller with one', async () => {
    expectUnauthorized(
      await t.request({ method: 'GET', url: '/v1/nothing-here', key: null }),
      'missing Authorization',
    );
    expectUnauthorized(await t.request({ method: 'DELETE', url: '/admin', key: 'nope' }), 'unknown API key');
    const res = await t.request({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('returns a new key secret once and never lists it', async () => {
    const created = await createKey({ name: 'telegram bot' });
    expect(created).toMatchObject({
      name: 'telegram bot',
      scopes: ['read', 'write'],
      prefix: created.key.slice(0, 12),
      createdAt: '2026-11-23T12:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(created.key).toMatch(/^ovk_[A-Za-z0-9_-]{40,}$/);
    const res = await t.request({ method: 'GET', url: '/v1/keys' });
    expect(res.status).toBe(200);
    const listed = res.body.keys.find((k: { keyId: string }) => k.keyId === created.keyId);
    expect(listed).toMatchObject({ name: 'telegram bot', prefix: created.key.slice(0, 12) });
    for (const key of res.body.keys) expect(key).not.toHaveProperty('key');
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(created.key);
    expect(raw).not.toContain(ADMIN_KEY);
  });

  it('gives a new key the read and write scopes by default, and not admin', async () => {
    const { key, scopes } = await createKey({ name: 'bot' });
    expect(scopes).toEqual(['read', 'write']);
    expect((await t.request({ method: 'GET', url: '/v1/keys', key })).status).toBe(403);
  });

  it('rejects an unknown scope with 400 naming scopes[0], and creates no key', async () => {
    const before = await listKeys();
    const res = await t.request({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'x', scopes: ['superuser'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('scopes[0]');
    expect(res.body.error.issues[0]).toMatchObject({
      path: 'scopes[0]',
      rule: expect.stringContaining('one of'),
    });
    const empty = await t.request({ method: 'POST', url: '/v1/keys', payload: { name: 'x', scopes: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.issues[0].path).toBe('scopes');
    expect(await listKeys()).toHaveLength(before.length);
  });

  it("refuses to revoke the tenant's last active admin key with 409, and the key keeps working", async () => {
    const adminKeyId = await ownKeyId(ADMIN_KEY);
    // A non-admin key does not count as a way back in.
    await createKey({ name: 'bot', scopes: ['read', 'write'] });
    const res = await revoke(adminKeyId);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.message).toContain(adminKeyId);
    expect((await t.request({ method: 'GET', url: '/v1/keys' })).status).toBe(200);
    expect((await listKeys()).find((k) => k.keyId === adminKeyId)?.revokedAt).toBeNull();
  });

  it('revokes the first admin key once a second one exists, then protects the second', async () => {
    const firstId = await ownKeyId(ADMIN_KEY);
    const second = await createKey({ name: 'ops', scopes: ['admin'] });
    expect((await revoke(firstId)).status).toBe(200);
    expectUnauthorized(await t.request({ method: 'GET', url: '/v1/keys' }), 'revoked');
    expect((await revoke(second.keyId, second.key)).status).toBe(409);
    expect((await t.request({ method: 'GET', url: '/v1/keys', key: second.key })).status).toBe(200);
  });

  it('never lets two concurrent revocations remove both of the last two admin keys', async () => {
    const firstId = await ownKeyId(ADMIN_KEY);
    const second = await createKey({ name: 'ops', scopes: ['admin'] });
    const results = await Promise.all([revoke(firstId), revoke(second.keyId)]);
    // One wins; the other is refused as the last admin key (409), or finds its caller's key
    // already revoked (401). Never both 200.
    const statuses = results.map((r) => r.status).sort();
    expect([
      [200, 401],
      [200, 409],
    ]).toContainEqual(statuses);
    const rows = await t.server.engine.database.db
      .selectFrom('api_keys')
      .select('key_id')
      .where('revoked_at', 'is', null)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('answers 404 to revoking a key id that does not exist', async () => {
    const res = await revoke('key_0000000000000000');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.message).toContain('key_0000000000000000');
  });

  it('stores only a hash of each key, never the secret', async () => {
    const created = await createKey({ name: 'bot' });
    const rows = await t.server.engine.database.db.selectFrom('api_keys').selectAll().execute();
    expect(rows).toHaveLength(2);
    for (const [secret, keyId] of [
      [created.key, created.keyId],
      [ADMIN_KEY, await ownKeyId(ADMIN_KEY)],
    ]) {
      const row = rows.find((r) => r.key_id === keyId)!;
      expect(row.key_hash).toBe(hashKey(secret!));
      for (const [column, value] of Object.entries(row)) {
        expect(JSON.stringify(value) ?? '', column).not.toContain(secret);
      }
    }
  });

  it('records when a key was last used, by the engine clock', async () => {
    const { key, keyId } = await createKey({ name: 'bot' });
    const lastUsed = async () => (await listKeys()).find((k) => k.keyId === keyId)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    // The write is off the request's path (api-keys.ts); the engine announces it when done.
    const used = (id: string) =>
      new Promise<void>((resolve) => {
        const off = t.server.engine.events.on('api_key.used', (e) => {
          if (e.keyId === id) {
            off();
            resolve();
          }
        });
      });
    let written = used(keyId);
    expect((await t.request({ method: 'GET', url: '/v1/users', key })).status).toBe(200);
    await written;
    expect(await lastUsed()).toBe('2026-11-23T12:00:00.000Z');
    t.clock.advance({ minutes: 5 });
    written = used(keyId);
    expect((await t.request({ method: 'GET', url: '/v1/users', key })).status).toBe(200);
    await written;
    expect(await lastUsed()).toBe('2026-11-23T12:05:00.000Z');
  });
});

describe.each(BACKENDS)('first-start bootstrap on %s', (backend) => {
  const clock = new FakeClock('2026-11-23T12:00:00Z');
  let database: Database;
  beforeEach(async () => {
    database = await openTestDatabase(backend);
  });
  afterEach(async () => {
    await database.close();
  });

  /** Starts an engine on the test's database; stopping it leaves the database open, as a restart would. */
  const start = (adminKey?: string) =>
    createEngine(
      { logLevel: 'silent', ...(adminKey ? { adminKey } : {}) },
      { clock, database: { ...database, close: async () => {} } },
    );
  const keyCount = async () => (await database.db.selectFrom('api_keys').select('key_id').execute()).length;

  it('creates the default tenant and an admin key on an empty database', async () => {
    const engine = await start();
    expect(engine.bootstrap.kind).toBe('created');
    if (engine.bootstrap.kind !== 'created') return;
    expect(engine.bootstrap.tenantId).toBe('default');
    const principal = await engine.authenticate(engine.bootstrap.adminKey);
    expect(principal.tenantId).toBe('default');
    expect([...principal.scopes].sort()).toEqual(['admin', 'read', 'write']);
    await engine.close();
  });

  it('does nothing on a later start: no second tenant or key', async () => {
    const first = await start();
    await first.close();
    const again = await start();
    expect(again.bootstrap).toEqual({ kind: 'nothing-to-do' });
    expect(await bootstrapTenancy(again.context)).toEqual({ kind: 'nothing-to-do' });
    expect(await keyCount()).toBe(1);
    expect(await again.forTenant('default').get()).toMatchObject({ tenantId: 'default' });
    await again.close();
  });

  it('adds a configured admin key to a database that already has a tenant, once', async () => {
    const configured = 'configured-admin-key-0123456789';
    const first = await start();
    await first.close();
    const withKey = await start(configured);
    expect(withKey.bootstrap).toEqual({ kind: 'configured-key-added', tenantId: 'default' });
    const principal = await withKey.authenticate(configured);
    expect(principal.tenantId).toBe('default');
    expect([...principal.scopes].sort()).toEqual(['admin', 'read', 'write']);
    expect(await keyCount()).toBe(2);
    await withKey.close();
    const later = await start(configured);
    expect(later.bootstrap).toEqual({ kind: 'nothing-to-do' });
    expect(await keyCount()).toBe(2);
    await later.close();
  });

  it('uses the configured key instead of a random one on an empty database', async () => {
    const configured = 'configured-admin-key-0123456789';
    const engine = await start(configured);
    expect(engine.bootstrap).toEqual({ kind: 'configured-key-added', tenantId: 'default' });
    expect(await keyCount()).toBe(1);
    expect((await engine.authenticate(configured)).tenantId).toBe('default');
    await engine.close();
  });

  it('does not bring a revoked configured key back to life on restart', async () => {
    const configured = 'configured-admin-key-0123456789';
    const engine = await start(configured);
    const tenant = engine.forTenant('default');
    await tenant.createApiKey({ name: 'replacement', scopes: ['admin'] });
    const { keyId } = await engine.authenticate(configured);
    await tenant.revokeApiKey(keyId);
    await engine.close();
    const restarted = await start(configured);
    expect(restarted.bootstrap).toEqual({ kind: 'nothing-to-do' });
    await expect(restarted.authenticate(configured)).rejects.toMatchObject({ code: 'unauthorized' });
    await restarted.close();
  });
});
