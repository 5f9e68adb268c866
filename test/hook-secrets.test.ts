import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { signHook } from '../src/contract/hook-signature.js';
import { sealPlainHookSecrets } from '../src/engine/triggers/hook-secrets.js';
import { SecretBox } from '../src/storage/codecs/secret-box.js';
import type { Database } from '../src/storage/connection/database.js';
import { migrateToLatest } from '../src/storage/connection/migrator.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
const NOON = Math.floor(Date.parse('2026-11-23T12:00:00Z') / 1000);
const LEGACY_SECRET = 'whs_written-in-plain-text-by-an-older-version-0123456789';

/** A webhook trigger's signing secret is stored sealed, like every other secret. */
describe.each(BACKENDS)('webhook trigger secrets at rest on %s', (backend) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  const db = () => t.server.engine.context.db;
  const stored = async (triggerId: string) =>
    (
      await sql<{ webhook_secret: string | null; webhook_secret_sealed: string | null }>`
        select webhook_secret, webhook_secret_sealed from triggers where trigger_id = ${triggerId}`.execute(
        db(),
      )
    ).rows[0];
  const call = (triggerId: string, secret: string, id: string) => {
    const raw = JSON.stringify({ userId: 'maya', characterId: 'luna', id });
    return t.request({
      method: 'POST',
      url: `/v1/hooks/${triggerId}`,
      key: null,
      headers: {
        'content-type': 'application/json',
        'x-overture-timestamp': String(NOON),
        'x-overture-signature': signHook(secret, NOON, raw),
      },
      payload: raw,
    });
  };
  const ready = async () => {
    await t.request({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    await t.request({ method: 'PATCH', url: '/v1/users/maya', payload: {} });
  };

  it('stores a new secret sealed, never in plain text, and checks calls with it', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    await ready();
    const created = await t.request({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'deploys', name: 'Deploys', spec: { kind: 'webhook' } },
    });
    expect(created.status).toBe(201);
    const row = await stored('deploys');
    expect(row?.webhook_secret).toBeNull();
    expect(row?.webhook_secret_sealed).toMatch(/^v1\./);
    expect(row?.webhook_secret_sealed).not.toContain(created.body.secret);
    expect((await call('deploys', created.body.secret, 'd1')).status).toBe(202);

    const rotated = await t.request({ method: 'POST', url: '/v1/triggers/deploys/secret' });
    expect((await stored('deploys'))?.webhook_secret_sealed).not.toBe(row?.webhook_secret_sealed);
    expect((await call('deploys', rotated.body.secret, 'd2')).status).toBe(202);
    expect((await call('deploys', created.body.secret, 'd3')).status).toBe(401);

    // a sealed secret moved to another trigger does not open there: the operator's problem, not the caller's
    await t.request({ method: 'POST', url: '/v1/triggers/webhook-alert/enable' });
    await sql`update triggers set webhook_secret_sealed = ${(await stored('deploys'))!.webhook_secret_sealed}
              where trigger_id = 'webhook-alert'`.execute(db());
    const moved = await call('webhook-alert', rotated.body.secret, 'd4');
    expect(moved.status).toBe(503);
    expect(moved.body.error).toEqual({
      code: 'unavailable',
      message: "this trigger's signatures cannot be checked now",
    });
  });

  it('refuses a webhook trigger or a new secret without OVERTURE_SECRET_KEY, with 409 naming it, and writes nothing', async () => {
    t = await startTestServer(backend);
    const created = await t.request({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'deploys', name: 'Deploys', spec: { kind: 'webhook' } },
    });
    expect(created.status).toBe(409);
    expect(created.body.error.message).toMatch(
      /^secret: cannot be stored: this server has no OVERTURE_SECRET_KEY/,
    );
    expect(created.body.error.issues).toMatchObject([{ path: 'secret', field: 'secret' }]);
    expect(await stored('deploys')).toBeUndefined();
    const rotated = await t.request({ method: 'POST', url: '/v1/triggers/webhook-alert/secret' });
    expect(rotated.status).toBe(409);
    expect(rotated.body.error.message).toMatch(/OVERTURE_SECRET_KEY/);
    expect(await stored('webhook-alert')).toEqual({ webhook_secret: null, webhook_secret_sealed: null });
    expect((await t.request({ method: 'GET', url: '/v1/audit' })).body.entries).toEqual([]);
  });

  /** A database as the version before migration 0016 left it, with a webhook trigger's secret in plain text. */
  const legacyDatabase = async (): Promise<Database> => {
    const database = await openTestDatabase(backend);
    await migrateToLatest(database.db, { through: '0015' });
    await sql`insert into tenants (tenant_id, name, created_at) values ('default', 'Default', now())`.execute(
      database.db,
    );
    await sql`insert into triggers (tenant_id, trigger_id, name, kind, spec, enabled, character_ids, approval,
                priority, cooldown_minutes, caps, expiry_minutes, at_good_time, builtin, webhook_secret,
                created_at, updated_at)
              values ('default', 'legacy', 'Legacy', 'webhook', '{}', true, null, 'auto', 0, 0,
                '{"perDay": null, "perWeek": null}', 60, false, false, ${LEGACY_SECRET}, now(), now())`.execute(
      database.db,
    );
    return database;
  };

  it('seals a plain secret from before the upgrade at start, and calls signed with it still pass', async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY }, { database: await legacyDatabase() });
    await ready();
    const row = await stored('legacy');
    expect(row?.webhook_secret).toBeNull();
    expect(row?.webhook_secret_sealed).toMatch(/^v1\./);
    expect(
      SecretBox.fromText(SECRET_KEY).open(row!.webhook_secret_sealed!, 'webhook-trigger/default/legacy'),
    ).toBe(LEGACY_SECRET);
    expect((await call('legacy', LEGACY_SECRET, 'l1')).status).toBe(202);
    expect((await call('legacy', 'whs_another', 'l2')).status).toBe(401);
    const view = await t.request({ method: 'GET', url: '/v1/triggers/legacy' });
    expect(JSON.stringify(view.body)).not.toContain(LEGACY_SECRET);
  });

  it('keeps checking calls with a plain secret on a server without a key, and seals it once one starts with a key', async () => {
    t = await startTestServer(backend, {}, { database: await legacyDatabase() });
    await ready();
    expect(await stored('legacy')).toEqual({ webhook_secret: LEGACY_SECRET, webhook_secret_sealed: null });
    expect((await call('legacy', LEGACY_SECRET, 'l1')).status).toBe(202);
    // a change to the trigger leaves the secret where it is
    await t.request({ method: 'PATCH', url: '/v1/triggers/legacy', payload: { priority: 3 } });
    expect((await stored('legacy'))?.webhook_secret).toBe(LEGACY_SECRET);

    // the start-up step of an instance with a key; two at once seal it once
    const secrets = SecretBox.fromText(SECRET_KEY);
    const both = await Promise.all([
      sealPlainHookSecrets({ db: db(), secrets }),
      sealPlainHookSecrets({ db: db(), secrets }),
    ]);
    expect(both.reduce((n, r) => n + r.sealed, 0)).toBe(1);
    const row = await stored('legacy');
    expect(row?.webhook_secret).toBeNull();
    expect(secrets.open(row!.webhook_secret_sealed!, 'webhook-trigger/default/legacy')).toBe(LEGACY_SECRET);
    // this server has no key to open it with
    expect((await call('legacy', LEGACY_SECRET, 'l2')).status).toBe(503);
  });

  it('remembers the ids of calls from before the upgrade: acted on (a suggestion) or waiting (an occasion)', async () => {
    const database = await legacyDatabase();
    await sql`insert into suggestions (tenant_id, user_id, suggestion_id, character_id, trigger_id, occasion_key,
                status, approval, decision_id, created_at, updated_at, expires_at)
              values ('default', 'maya', 'sug_old', 'luna', 'legacy', 'hook:acted-on', 'sent', 'auto', 'dec_old',
                '2026-11-23T11:00:00Z', '2026-11-23T11:00:00Z', '2026-11-23T12:00:00Z')`.execute(database.db);
    await sql`insert into occasions (tenant_id, user_id, character_id, trigger_id, occasion_key, at, expires_at, created_at)
              values ('default', 'maya', 'luna', 'legacy', 'hook:waiting', '2026-11-23T11:50:00Z',
                '2026-11-23T12:50:00Z', '2026-11-23T11:50:00Z')`.execute(database.db);
    t = await startTestServer(backend, { secretKey: SECRET_KEY }, { database });
    await ready();
    for (const id of ['acted-on', 'waiting'])
      expect((await call('legacy', LEGACY_SECRET, id)).body).toMatchObject({ duplicate: true });
    expect((await call('legacy', LEGACY_SECRET, 'new')).body).toMatchObject({ duplicate: false });
  });
});
