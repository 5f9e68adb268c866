import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signHook } from '../src/contract/hook-signature.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// The test server's clock starts on Monday 2026-11-23 at 12:00Z: 13:00 in Berlin, outside quiet hours.
const NOON = Math.floor(Date.parse('2026-11-23T12:00:00Z') / 1000);
// webhook secrets are stored sealed under it
const SECRET_KEY = Buffer.alloc(32, 5).toString('base64');

interface Call {
  secret?: string;
  /** Unix seconds; the clock's start by default. */
  timestamp?: number | string | null;
  /** Overrides the computed signature; null leaves the header out. */
  signature?: string | null;
  /** Sent as is instead of the body's JSON (and signed as sent). */
  raw?: string;
  tenant?: string;
  contentType?: string;
}

describe.each(BACKENDS)('webhook triggers on %s', (backend) => {
  let t: TestServer;
  let secret: string;
  beforeEach(async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { timezone: 'Europe/Berlin' } });
    // maya wrote to luna an hour ago: she wrote first, and is no longer mid-conversation (30 min)
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'm1',
        kind: 'message_in',
        userId: 'maya',
        characterId: 'luna',
        at: '2026-11-23T11:00:00Z',
      },
    });
    const created = await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'deploys', name: 'Deploy finished', spec: { kind: 'webhook' }, expiryMinutes: 60 },
    });
    secret = created.secret;
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.server.engine.database.db;
  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const proactive = (allowProactive: boolean) =>
    ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive } });
  const hook = (triggerId: string, body: unknown, call: Call = {}) => {
    const raw = call.raw ?? JSON.stringify(body);
    const timestamp = call.timestamp === undefined ? NOON : call.timestamp;
    const signature =
      call.signature === undefined ? signHook(call.secret ?? secret, timestamp ?? '', raw) : call.signature;
    return t.request({
      method: 'POST',
      url: `/v1/hooks/${triggerId}${call.tenant ? `?tenant=${call.tenant}` : ''}`,
      key: null,
      headers: {
        'content-type': call.contentType ?? 'application/json',
        ...(timestamp === null ? {} : { 'x-overture-timestamp': String(timestamp) }),
        ...(signature === null ? {} : { 'x-overture-signature': signature }),
      },
      payload: raw,
    });
  };
  const alert = { userId: 'maya', characterId: 'luna', id: 'deploy-1', data: { service: 'api', ok: true } };
  const occasions = async () =>
    (
      await sql<{
        user_id: string;
        character_id: string;
        trigger_id: string;
        occasion_key: string;
        at: Date;
        expires_at: Date;
        detail: unknown;
      }>`select user_id, character_id, trigger_id, occasion_key, at, expires_at, detail from occasions
         order by created_at, occasion_key`.execute(db())
    ).rows;
  const calls = async () =>
    (
      await sql<{ trigger_id: string; received_at: Date }>`
        select trigger_id, received_at from webhook_calls order by received_at`.execute(db())
    ).rows;
  const suggestions = async () =>
    (
      await sql<{ user_id: string; character_id: string; trigger_id: string; occasion_key: string }>`
        select user_id, character_id, trigger_id, occasion_key from suggestions`.execute(db())
    ).rows;
  const expectError = (res: { status: number; body: any }, status: number, message: RegExp) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.message).toMatch(message);
  };
  const expectNothingStored = async () => {
    expect(await occasions()).toEqual([]);
    expect(await calls()).toEqual([]);
  };

  it('records an occasion for the pair, and the sweep makes a suggestion from it', async () => {
    await proactive(true);
    await t.server.engine.sweep(); // nothing is due for maya and luna until something happens
    const recorded: unknown[] = [];
    t.server.engine.events.on('occasions.recorded', (e) => recorded.push(e));

    const res = await hook('deploys', alert);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({
      accepted: true,
      triggerId: 'deploys',
      occasionKey: 'hook:deploy-1',
      duplicate: false,
    });
    expect(await occasions()).toEqual([
      {
        user_id: 'maya',
        character_id: 'luna',
        trigger_id: 'deploys',
        occasion_key: 'hook:deploy-1',
        at: new Date('2026-11-23T12:00:00Z'),
        expires_at: new Date('2026-11-23T13:00:00Z'),
        detail: { data: { service: 'api', ok: true } },
      },
    ]);
    expect(recorded).toEqual([{ tenantId: 'default', count: 1 }]);

    const swept = await t.server.engine.sweep();
    expect(swept.suggestions).toBe(1);
    expect(await suggestions()).toEqual([
      { user_id: 'maya', character_id: 'luna', trigger_id: 'deploys', occasion_key: 'hook:deploy-1' },
    ]);
  });

  it('refuses a missing, malformed or wrong signature with 401 naming the problem, and stores nothing', async () => {
    await proactive(true);
    expectError(await hook('deploys', alert, { signature: null }), 401, /missing X-Overture-Signature/);
    expectError(await hook('deploys', alert, { timestamp: null }), 401, /missing X-Overture-Timestamp/);
    expectError(await hook('deploys', alert, { timestamp: '2026-11-23T12:00:00Z' }), 401, /Unix seconds/);
    expectError(await hook('deploys', alert, { signature: 'sha1=abc' }), 401, /"sha256=<64 hex digits>"/);
    const wrong = await hook('deploys', alert, { secret: 'whs_not-the-secret' });
    expectError(wrong, 401, /signature does not match/);
    expect(wrong.body.error.code).toBe('unauthorized');
    // signed for one body, sent with another
    const signed = signHook(secret, NOON, JSON.stringify(alert));
    const tampered = await hook('deploys', { ...alert, userId: 'someone-else' }, { signature: signed });
    expectError(tampered, 401, /signature does not match/);
    // signed for another timestamp
    expectError(
      await hook('deploys', alert, { timestamp: NOON + 1, signature: signed }),
      401,
      /does not match/,
    );
    await expectNothingStored();
  });

  it('refuses a timestamp more than 5 minutes from the server clock, either way', async () => {
    await proactive(true);
    expectError(await hook('deploys', alert, { timestamp: NOON - 301 }), 401, /older than 5 minutes/);
    expectError(await hook('deploys', alert, { timestamp: NOON + 301 }), 401, /further ahead than 5 minutes/);
    await expectNothingStored();
    // exactly 5 minutes either way is inside the window
    expect((await hook('deploys', { ...alert, id: 'early' }, { timestamp: NOON - 300 })).status).toBe(202);
    expect((await hook('deploys', { ...alert, id: 'late' }, { timestamp: NOON + 300 })).status).toBe(202);

    // a call signed now and delivered 6 minutes later is too old
    const timestamp = NOON + 60;
    const raw = JSON.stringify({ ...alert, id: 'slow' });
    const signature = signHook(secret, timestamp, raw);
    t.clock.set('2026-11-23T12:07:00Z');
    expectError(await hook('deploys', null, { raw, timestamp, signature }), 401, /older than 5 minutes/);
  });

  it('refuses a replay of an accepted call with 409, and forgets signatures after 10 minutes', async () => {
    await proactive(true);
    expect((await hook('deploys', alert)).status).toBe(202);
    const replay = await hook('deploys', alert);
    expectError(replay, 409, /replay/);
    expect(replay.body.error.code).toBe('conflict');
    expect(await occasions()).toHaveLength(1);
    expect(await calls()).toHaveLength(1);

    // 11 minutes on: the first call's signature is forgotten, and its replay is refused by the window
    t.clock.set('2026-11-23T12:11:00Z');
    const later = NOON + 11 * 60;
    expect((await hook('deploys', { ...alert, id: 'deploy-2' }, { timestamp: later })).status).toBe(202);
    expect(await calls()).toEqual([{ trigger_id: 'deploys', received_at: new Date('2026-11-23T12:11:00Z') }]);
    expectError(await hook('deploys', alert), 401, /older than 5 minutes/);
  });

  it('accepts one of identical calls arriving together and refuses the rest as replays', async () => {
    await proactive(true);
    const same = await Promise.all(Array.from({ length: 5 }, () => hook('deploys', alert)));
    expect(same.map((r) => r.status).sort()).toEqual([202, 409, 409, 409, 409]);
    // the same id, signed at different seconds: every call accepted, one occasion
    const resent = await Promise.all(
      [1, 2, 3].map((s) => hook('deploys', { ...alert, id: 'deploy-2' }, { timestamp: NOON + s })),
    );
    expect(resent.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(resent.filter((r) => !r.body.duplicate)).toHaveLength(1);
    expect((await occasions()).map((o) => o.occasion_key)).toEqual(['hook:deploy-1', 'hook:deploy-2']);
    expect(await calls()).toHaveLength(4);
  });

  it('answers 403 while proactive messages are off, after the signature, and stores nothing', async () => {
    const off = await hook('deploys', alert);
    expectError(off, 403, /^proactive messages are off for this tenant$/);
    // a caller without the secret learns nothing about the policy
    expectError(await hook('deploys', alert, { secret: 'whs_guess' }), 401, /does not match/);
    await expectNothingStored();
    await t.server.engine.sweep();
    expect(await suggestions()).toEqual([]);
  });

  it('answers 404 alike for an unknown trigger, tenant or a trigger of another kind, and for an unknown user', async () => {
    await proactive(true);
    for (const [triggerId, tenant] of [
      ['nope', undefined],
      ['idle-check-in', undefined],
      ['deploys', 'no-such-tenant'],
    ] as const) {
      const res = await hook(triggerId, alert, { tenant });
      expect(res.status, triggerId).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: `trigger "${triggerId}" not found` });
    }
    // an outside system may speak about a user, never create one
    expectError(await hook('deploys', { ...alert, userId: 'ghost' }), 404, /^user "ghost" not found$/);
    expect((await t.request({ method: 'GET', url: '/v1/users/ghost' })).status).toBe(404);
    await expectNothingStored();
  });

  it('answers 409 for a disabled trigger', async () => {
    await proactive(true);
    await ok({ method: 'POST', url: '/v1/triggers/deploys/disable' });
    expectError(await hook('deploys', alert), 409, /^trigger is disabled$/);
    await expectNothingStored();
  });

  it('answers 409 naming characterId for a character the trigger is not for, and stores nothing', async () => {
    await proactive(true);
    await ok({ method: 'PATCH', url: '/v1/triggers/deploys', payload: { characterIds: ['aria', 'max'] } });
    expectError(
      await hook('deploys', alert),
      409,
      /^characterId "luna" is not one of the trigger's characters \(aria, max\)$/,
    );
    await expectNothingStored();
  });

  const pair = { userId: 'maya', characterId: 'luna' };
  it.each([
    ['no user', { characterId: 'luna' }, 'userId', /required/],
    ['no character', { userId: 'maya' }, 'characterId', /required/],
    ['a user id with a space', { ...pair, userId: 'maya bee' }, 'userId', /letters, digits/],
    ['an empty id', { ...pair, id: '' }, 'id', /1-128/],
    ['an id of 129 characters', { ...pair, id: 'x'.repeat(129) }, 'id', /1-128/],
    ['data that is an array', { ...pair, data: [1, 2] }, 'data', /object/],
    ['data over 8 KiB', { ...pair, data: { blob: 'x'.repeat(8200) } }, 'data', /8192 bytes/],
    ['an unknown field', { ...pair, extra: 1 }, 'extra', /not a known field/],
  ])('refuses a signed body with %s: 400 naming the field', async (_, body, path, rule) => {
    await proactive(true);
    const res = await hook('deploys', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const issue = res.body.error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    expect(issue.rule).toMatch(rule);
    await expectNothingStored();
  });

  it('checks the signature before the body, and refuses a body that is not JSON', async () => {
    await proactive(true);
    expectError(await hook('deploys', { userId: 'maya' }, { secret: 'whs_guess' }), 401, /does not match/);
    // a body that is not JSON tells a caller without the secret nothing either: 401, not 400
    const broken = '{"userId": "maya",';
    expectError(await hook('deploys', null, { raw: broken, secret: 'whs_guess' }), 401, /does not match/);
    expectError(await hook('deploys', null, { raw: broken, signature: null }), 401, /signature/i);
    expectError(await hook('deploys', null, { raw: '', secret: 'whs_guess' }), 401, /does not match/);
    const syntax = await hook('deploys', null, { raw: broken });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'body' }] });
    const proto = await hook('deploys', null, {
      raw: '{"userId":"maya","characterId":"luna","data":{"__proto__":{"x":1}}}',
    });
    expect(proto.status).toBe(400);
    expect(proto.body.error.issues).toMatchObject([
      { path: 'data.__proto__', rule: expect.stringMatching(/not allowed/) },
    ]);
    expect((await hook('deploys', alert, { contentType: 'text/plain' })).status).toBe(415);
    const huge = await hook('deploys', { ...alert, data: { blob: 'x'.repeat(70_000) } });
    expectError(huge, 413, /65536 bytes/);
    await expectNothingStored();
  });

  it('takes the same id, signed again, as a duplicate: 202 and one occasion', async () => {
    await proactive(true);
    expect((await hook('deploys', alert)).body.duplicate).toBe(false);
    const again = await hook(
      'deploys',
      { ...alert, data: { service: 'api', retried: true } },
      { timestamp: NOON + 1 },
    );
    expect(again.status).toBe(202);
    expect(again.body).toEqual({
      accepted: true,
      triggerId: 'deploys',
      occasionKey: 'hook:deploy-1',
      duplicate: true,
    });
    expect(await occasions()).toHaveLength(1);

    // without an id, the body's hash is the id: the same body again is the same occasion
    const plain = { userId: 'maya', characterId: 'luna' };
    const first = await hook('deploys', plain, { timestamp: NOON + 2 });
    expect(first.body).toMatchObject({
      duplicate: false,
      occasionKey: expect.stringMatching(/^hook:[0-9a-f]{32}$/),
    });
    const second = await hook('deploys', plain, { timestamp: NOON + 3 });
    expect(second.body).toMatchObject({ duplicate: true, occasionKey: first.body.occasionKey });
    expect(await occasions()).toHaveLength(2);
  });

  it('takes the same id as a duplicate after its occasion was acted on, for 7 days', async () => {
    await proactive(true);
    expect((await hook('deploys', alert)).body.duplicate).toBe(false);
    expect((await t.server.engine.sweep()).suggestions).toBe(1);
    expect(await occasions()).toEqual([]); // acted on: the occasion is gone

    // the sender did not hear back and sends it again, signed anew, a few minutes later
    t.clock.set('2026-11-23T12:04:00Z');
    const again = await hook('deploys', alert, { timestamp: NOON + 4 * 60 });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({
      accepted: true,
      triggerId: 'deploys',
      occasionKey: 'hook:deploy-1',
      duplicate: true,
    });
    expect(await occasions()).toEqual([]);
    await t.server.engine.sweep();
    expect(await suggestions()).toHaveLength(1);

    // six days on, and after the retention sweep, still a duplicate
    t.clock.set('2026-11-29T12:00:00Z');
    expect((await t.server.engine.scheduler.prune()).firingKeys).toBe(0);
    const later = await hook('deploys', alert, { timestamp: NOON + 6 * 86_400 });
    expect(later.body.duplicate).toBe(true);
    expect(await occasions()).toEqual([]);

    // a week after the first call the id is forgotten: the same id is a new call
    t.clock.set('2026-11-30T12:01:00Z');
    expect((await t.server.engine.scheduler.prune()).firingKeys).toBe(1);
    const forgotten = await hook('deploys', alert, { timestamp: NOON + 7 * 86_400 + 60 });
    expect(forgotten.body.duplicate).toBe(false);
  });

  it('answers calls sent together with an id acted on as duplicates, and one of a new id as new', async () => {
    await proactive(true);
    await hook('deploys', alert);
    await t.server.engine.sweep();
    const together = await Promise.all([1, 2, 3].map((s) => hook('deploys', alert, { timestamp: NOON + s })));
    expect(together.map((r) => [r.status, r.body.duplicate])).toEqual([
      [202, true],
      [202, true],
      [202, true],
    ]);
    const fresh = await Promise.all(
      [4, 5, 6].map((s) => hook('deploys', { ...alert, id: 'deploy-2' }, { timestamp: NOON + s })),
    );
    expect(fresh.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect((await occasions()).map((o) => o.occasion_key)).toEqual(['hook:deploy-2']);
  });

  it('gives a webhook trigger a new secret once, audited without it, and the old one stops working', async () => {
    await proactive(true);
    await ok({ method: 'POST', url: '/v1/triggers/webhook-alert/enable' });
    expectError(
      await hook('webhook-alert', alert),
      401,
      /^trigger has no signing secret; create one with POST \/v1\/triggers\/webhook-alert\/secret$/,
    );
    const updates: unknown[] = [];
    t.server.engine.events.on('trigger.updated', (e) => updates.push(e));

    const first = await t.request({ method: 'POST', url: '/v1/triggers/webhook-alert/secret' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      triggerId: 'webhook-alert',
      secret: expect.stringMatching(/^whs_[\w-]{43}$/),
    });
    expect((await hook('webhook-alert', alert, { secret: first.body.secret })).status).toBe(202);
    expect(updates).toEqual([{ tenantId: 'default', triggerId: 'webhook-alert' }]);

    const second = await ok({ method: 'POST', url: '/v1/triggers/webhook-alert/secret' });
    expect(second.secret).not.toBe(first.body.secret);
    const old = { ...alert, id: 'deploy-2' };
    expectError(await hook('webhook-alert', old, { secret: first.body.secret }), 401, /does not match/);
    expect((await hook('webhook-alert', old, { secret: second.secret })).status).toBe(202);

    const audit = (await t.request({ method: 'GET', url: '/v1/audit' })).body.entries;
    const rotations = audit.filter((e: { action: string }) => e.action === 'trigger.secret_rotated');
    expect(rotations).toMatchObject([
      { subject: 'trigger:webhook-alert', detail: { replaced: false } },
      { subject: 'trigger:webhook-alert', detail: { replaced: true } },
    ]);
    const log = JSON.stringify(audit);
    for (const s of [first.body.secret, second.secret, secret]) expect(log).not.toContain(s);
    expect((await t.request({ method: 'GET', url: '/v1/audit/verify' })).body.ok).toBe(true);
    const view = await t.request({ method: 'GET', url: '/v1/triggers/webhook-alert' });
    expect(JSON.stringify(view.body)).not.toContain(second.secret);
  });

  it('refuses a secret for a trigger that is not a webhook, an unknown one, or a key without admin', async () => {
    expectError(
      await t.request({ method: 'POST', url: '/v1/triggers/idle-check-in/secret' }),
      409,
      /only webhook triggers have a signing secret/,
    );
    expect((await t.request({ method: 'POST', url: '/v1/triggers/nope/secret' })).status).toBe(404);
    const read = await ok({ method: 'POST', url: '/v1/keys', payload: { name: 'r', scopes: ['read'] } });
    expect(
      (await t.request({ method: 'POST', url: '/v1/triggers/deploys/secret', key: read.key })).status,
    ).toBe(403);
    const audit = (await t.request({ method: 'GET', url: '/v1/audit' })).body.entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['trigger.created', 'api_key.created']);
  });

  it("answers 404 for tenant A's trigger called as tenant B's, and keeps each tenant's secret its own", async () => {
    await proactive(true);
    const b = await t.server.engine.createTenant({ tenantId: 'tenant-b' });
    const asB = { key: b.adminKey.key };
    await ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true }, ...asB });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: {}, ...asB });
    const theirs = await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'b-deploys', name: 'B', spec: { kind: 'webhook' } },
      ...asB,
    });

    expectError(await hook('deploys', alert, { tenant: 'tenant-b' }), 404, /^trigger "deploys" not found$/);
    expectError(await hook('b-deploys', alert), 404, /^trigger "b-deploys" not found$/);
    // B's trigger under B's name, signed with A's secret
    expectError(await hook('b-deploys', alert, { tenant: 'tenant-b' }), 401, /does not match/);
    await expectNothingStored();

    const res = await hook('b-deploys', alert, { tenant: 'tenant-b', secret: theirs.secret });
    expect(res.status).toBe(202);
    const stored = await sql<{ tenant_id: string; trigger_id: string }>`
      select tenant_id, trigger_id from occasions`.execute(db());
    expect(stored.rows).toEqual([{ tenant_id: 'tenant-b', trigger_id: 'b-deploys' }]);
  });
});
