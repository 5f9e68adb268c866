import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// a webhook trigger's signing secret is stored sealed under it
const SECRET_KEY = Buffer.alloc(32, 3).toString('base64');

describe.each(BACKENDS)('triggers on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (payload: object) => t.request({ method: 'POST', url: '/v1/triggers', payload });
  const get = (id: string) => t.request({ method: 'GET', url: `/v1/triggers/${id}` });
  const audit = async () =>
    (await t.request({ method: 'GET', url: '/v1/audit' })).body.entries.map(
      (e: { action: string }) => e.action,
    );

  it('registers the built-in triggers for every tenant, disabled, and enables one with one call', async () => {
    const list = await t.request({ method: 'GET', url: '/v1/triggers' });
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.triggers.map((x: { triggerId: string }) => [x.triggerId, x]));
    expect(Object.keys(byId).sort()).toEqual([
      'daily-standup',
      'idle-check-in',
      'open-loop-follow-up',
      'webhook-alert',
      'weekly-review',
    ]);
    expect(Object.values(byId).every((x: any) => x.enabled === false && x.builtin === true)).toBe(true);
    expect(byId['idle-check-in']).toMatchObject({
      spec: { kind: 'silence', afterHours: 24 },
      atGoodTime: true,
    });
    expect(byId['daily-standup'].spec).toEqual({ kind: 'schedule', cron: '0 9 * * 1-5', zone: 'user' });
    expect(byId['weekly-review'].spec).toEqual({ kind: 'schedule', cron: '0 17 * * 5', zone: 'user' });
    expect(byId['webhook-alert']).toMatchObject({
      spec: { kind: 'webhook' },
      hookUrl: '/v1/hooks/webhook-alert',
    });
    expect(byId['open-loop-follow-up']).toMatchObject({
      spec: { kind: 'follow_up', delayMinutes: 120 },
      atGoodTime: true,
      expiryMinutes: 24 * 60,
    });

    const enabled = await t.request({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });
    expect(enabled.status).toBe(200);
    expect(enabled.body.enabled).toBe(true);
    expect((await get('idle-check-in')).body.enabled).toBe(true);
    expect(await audit()).toEqual(['trigger.enabled']);

    const created = await t.server.engine.createTenant({ tenantId: 'second' });
    const theirs = await t.request({ method: 'GET', url: '/v1/triggers', key: created.adminKey.key });
    expect(theirs.body.triggers).toHaveLength(5);
    expect(theirs.body.triggers.every((x: { enabled: boolean }) => !x.enabled)).toBe(true);
  });

  it("keeps an llm trigger's question with its schedule, and tests it like a schedule", async () => {
    const res = await create({
      id: 'worth-asking',
      name: 'Worth asking?',
      spec: { kind: 'llm', question: '  Did she mention plans for this week?  ', cron: '0 18 * * *' },
    });
    expect(res.status).toBe(201);
    expect(res.body.spec).toEqual({
      kind: 'llm',
      question: 'Did she mention plans for this week?',
      cron: '0 18 * * *',
      zone: 'user',
    });
    expect((await get('worth-asking')).body.spec.question).toBe('Did she mention plans for this week?');
  });

  it('creates, reads, changes, disables and deletes a trigger, each change in the audit log', async () => {
    const res = await create({
      id: 'evening-hello',
      name: 'Evening hello',
      spec: { kind: 'schedule', cron: '0 19 * * *', zone: 'America/Chicago' },
      characterIds: ['luna'],
      approval: 'suggest',
      caps: { perDay: 1 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      triggerId: 'evening-hello',
      enabled: true,
      builtin: false,
      approval: 'suggest',
      caps: { perDay: 1, perWeek: null },
      cooldownMinutes: 1440,
      expiryMinutes: 1440,
      spec: { kind: 'schedule', cron: '0 19 * * *', zone: 'America/Chicago' },
    });
    expect(res.body.secret).toBeUndefined();

    const patched = await t.request({
      method: 'PATCH',
      url: '/v1/triggers/evening-hello',
      payload: { priority: 3, spec: { kind: 'schedule', every: 'P1D', startsAt: '2026-12-01T19:30' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      priority: 3,
      approval: 'suggest',
      spec: { kind: 'schedule', every: 'P1D', startsAt: '2026-12-01T19:30', zone: 'user' },
    });
    expect(
      (await t.request({ method: 'POST', url: '/v1/triggers/evening-hello/disable' })).body.enabled,
    ).toBe(false);
    expect((await t.request({ method: 'DELETE', url: '/v1/triggers/evening-hello' })).status).toBe(204);
    expect((await get('evening-hello')).status).toBe(404);
    expect(await audit()).toEqual([
      'trigger.created',
      'trigger.updated',
      'trigger.disabled',
      'trigger.deleted',
    ]);
    expect((await t.request({ method: 'GET', url: '/v1/audit/verify' })).body.ok).toBe(true);
  });

  it('gives a webhook trigger a signing secret, shown once', async () => {
    const res = await create({ name: 'Deploy alert', spec: { kind: 'webhook' } });
    expect(res.status).toBe(201);
    expect(res.body.triggerId).toMatch(/^trg_[0-9a-f]{16}$/);
    expect(res.body.secret).toMatch(/^whs_/);
    expect(res.body.hookUrl).toBe(`/v1/hooks/${res.body.triggerId}`);
    const again = await get(res.body.triggerId);
    expect(again.body.secret).toBeUndefined();
    expect(JSON.stringify(again.body)).not.toContain(res.body.secret);
    const log = (await t.request({ method: 'GET', url: '/v1/audit' })).body;
    expect(JSON.stringify(log)).not.toContain(res.body.secret);
  });

  it.each([
    [
      { name: 'x', spec: { kind: 'schedule', cron: '0 25 * * *' } },
      'spec.cron',
      /not a valid cron expression/,
    ],
    [{ name: 'x', spec: { kind: 'schedule', cron: '0 9 * * *', zone: 'Mars/Olympus' } }, 'spec.zone', /IANA/],
    [{ name: 'x', spec: { kind: 'schedule' } }, 'spec.cron', /exactly one/],
    [
      { name: 'x', spec: { kind: 'schedule', every: 'P1M', startsAt: '2026-12-01T09:00' } },
      'spec.every',
      /ISO 8601/,
    ],
    [{ name: 'x', spec: { kind: 'schedule', every: 'PT6H' } }, 'spec.startsAt', /required/],
    [{ name: 'x', spec: { kind: 'llm', cron: '0 9 * * *' } }, 'spec.question', /required/],
    [
      { name: 'x', spec: { kind: 'llm', question: ' ', cron: '0 9 * * *' } },
      'spec.question',
      /yes\/no question/,
    ],
    [{ name: 'x', spec: { kind: 'llm', question: 'Worth asking?' } }, 'spec.cron', /exactly one/],
    [
      { name: 'x', spec: { kind: 'sometimes' } },
      'spec.kind',
      /silence, active_now, schedule, event, webhook, follow_up or llm/,
    ],
    [{ name: 'x', spec: { kind: 'silence', afterHours: 0 } }, 'spec.afterHours', /> 0/],
    [{ name: 'x', spec: { kind: 'active_now', minScore: 2 } }, 'spec.minScore', /from 0 to 1/],
    [{ name: 'x', spec: { kind: 'event', event: 'Signup!' } }, 'spec.event', /event kind/],
    [{ name: 'x', spec: { kind: 'follow_up', delayMinutes: -5 } }, 'spec.delayMinutes', />= 0/],
    [{ name: 'x', spec: { kind: 'follow_up', delayMinutes: 1.5 } }, 'spec.delayMinutes', /whole number/],
    [{ name: 'x', spec: { kind: 'follow_up', after: 5 } }, 'spec.after', /not a known field/],
    [{ name: 'x', spec: { kind: 'webhook' }, caps: { perDay: -1 } }, 'caps.perDay', />= 0/],
    [{ name: 'x', spec: { kind: 'webhook' }, approval: 'maybe' }, 'approval', /auto/],
    [{ name: 'x', spec: { kind: 'webhook' }, expiryMinutes: 0 }, 'expiryMinutes', /> 0/],
    [{ name: 'x', spec: { kind: 'webhook' }, characterIds: [] }, 'characterIds', /at least one/],
    [{ spec: { kind: 'webhook' } }, 'name', /required/],
  ])('refuses %j naming the field, and writes nothing', async (payload, path, rule) => {
    const res = await create(payload);
    expect(res.status).toBe(400);
    const issue = res.body.error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    expect(issue.rule).toMatch(rule);
    expect((await t.request({ method: 'GET', url: '/v1/triggers' })).body.triggers).toHaveLength(5);
    expect(await audit()).toEqual([]);
  });

  it('gives a follow_up trigger a delay of 2 hours and a good hour by default, and keeps what is given', async () => {
    const plain = await create({ id: 'ask-after', name: 'Ask after', spec: { kind: 'follow_up' } });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ spec: { kind: 'follow_up', delayMinutes: 120 }, atGoodTime: true });
    const own = await create({
      id: 'ask-soon',
      name: 'Ask soon',
      spec: { kind: 'follow_up', delayMinutes: 30 },
      atGoodTime: false,
    });
    expect(own.body).toMatchObject({ spec: { kind: 'follow_up', delayMinutes: 30 }, atGoodTime: false });
    // the other kinds still default to any hour
    expect((await create({ name: 'Hook', spec: { kind: 'webhook' } })).body.atGoodTime).toBe(false);
  });

  it('refuses to change a kind, to reuse an id, or to delete a built-in trigger', async () => {
    const kind = await t.request({
      method: 'PATCH',
      url: '/v1/triggers/idle-check-in',
      payload: { spec: { kind: 'webhook' } },
    });
    expect(kind.status).toBe(400);
    expect(kind.body.error.issues[0]).toMatchObject({ path: 'spec.kind' });
    const taken = await create({ id: 'daily-standup', name: 'mine', spec: { kind: 'webhook' } });
    expect(taken.status).toBe(409);
    const builtin = await t.request({ method: 'DELETE', url: '/v1/triggers/weekly-review' });
    expect(builtin.status).toBe(409);
    expect(builtin.body.error.message).toMatch(/disable it instead/);
    expect((await t.request({ method: 'DELETE', url: '/v1/triggers/nope' })).status).toBe(404);
    expect(await audit()).toEqual([]);
  });

  it('lets read keys list triggers but not change them', async () => {
    const key = (
      await t.request({ method: 'POST', url: '/v1/keys', payload: { name: 'r', scopes: ['read'] } })
    ).body.key;
    expect((await t.request({ method: 'GET', url: '/v1/triggers', key })).status).toBe(200);
    expect((await t.request({ method: 'POST', url: '/v1/triggers/idle-check-in/enable', key })).status).toBe(
      403,
    );
  });
});

describe.each(BACKENDS)('testing a trigger on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
    await t.request({ method: 'PATCH', url: '/v1/users/maya', payload: { timezone: 'America/Chicago' } });
    await send('m1', '2026-11-22T01:30:00Z'); // Saturday 19:30 in Chicago
  });
  afterEach(async () => {
    await t.close();
  });

  const test = (id: string, payload = { userId: 'maya', characterId: 'luna' }) =>
    t.request({ method: 'POST', url: `/v1/triggers/${id}/test`, payload });
  const send = (id: string, at: string, kind = 'message_in') =>
    t.request({
      method: 'POST',
      url: '/v1/events',
      payload: { id, kind, userId: 'maya', characterId: 'luna', at },
    });
  const failed = (body: { trace: { check: string; passed: boolean }[] }) =>
    body.trace.filter((c) => !c.passed).map((c) => c.check);

  it('passes every gate it can and stops at the first that fails, without writing anything', async () => {
    // clock: Monday 2026-11-23 12:00Z = 06:00 in Chicago
    const off = await test('idle-check-in');
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ action: 'skip', reason: 'trigger', timezone: 'America/Chicago' });
    expect(failed(off.body)).toEqual(['trigger', 'allow_proactive']);

    await t.request({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });
    expect((await test('idle-check-in')).body).toMatchObject({ action: 'skip', reason: 'allow_proactive' });

    await t.request({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    // a day and more of silence, but 06:00 in Chicago is inside quiet hours (until 08:00 = 14:00Z)
    const quiet = await test('idle-check-in');
    expect(quiet.body).toMatchObject({ action: 'defer', occasion: { triggerId: 'idle-check-in' } });
    expect(quiet.body.trace.find((c: { check: string }) => c.check === 'quiet_hours')).toMatchObject({
      passed: false,
      until: '2026-11-23T14:00:00.000Z',
    });
    // the good hour is later than the end of quiet hours: the user writes in the evening
    expect(quiet.body.until >= '2026-11-23T14:00:00.000Z').toBe(true);

    await t.request({ method: 'PATCH', url: '/v1/users/maya', payload: { consent: 'opted_out' } });
    expect((await test('idle-check-in')).body).toMatchObject({ action: 'skip', reason: 'consent' });

    const audit = (await t.request({ method: 'GET', url: '/v1/audit' })).body.entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual([
      'trigger.enabled',
      'policy.updated',
      'consent.opted_out',
    ]);
  });

  it('takes a schedule as firing now, and sends when every check passes', async () => {
    await t.request({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    await t.request({ method: 'POST', url: '/v1/triggers/daily-standup/enable' });
    t.clock.advance({ hours: 3 }); // 09:00 in Chicago
    const res = await test('daily-standup');
    expect(res.body).toMatchObject({ action: 'send', occasion: { triggerId: 'daily-standup' } });
    expect(failed(res.body)).toEqual([]);
  });

  it('refuses a user who never wrote to the character, whatever the trust', async () => {
    await t.request({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    await t.request({ method: 'POST', url: '/v1/triggers/webhook-alert/enable' });
    await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'o1',
        kind: 'message_out',
        userId: 'maya',
        characterId: 'nova',
        at: '2026-11-23T11:00:00Z',
      },
    });
    await t.request({ method: 'PATCH', url: '/v1/users/maya/characters/nova', payload: { trust: 1 } });
    const res = await test('webhook-alert', { userId: 'maya', characterId: 'nova' });
    expect(res.body).toMatchObject({ action: 'skip', reason: 'user_wrote_first' });
  });

  it('answers 404 for an unknown trigger, user or character, and 400 for a bad body', async () => {
    expect((await test('nope')).status).toBe(404);
    expect((await test('idle-check-in', { userId: 'nobody', characterId: 'luna' })).status).toBe(404);
    expect((await test('idle-check-in', { userId: 'maya', characterId: 'nobody' })).status).toBe(404);
    const bad = await t.request({
      method: 'POST',
      url: '/v1/triggers/idle-check-in/test',
      payload: { userId: 'maya' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ path: 'characterId', rule: 'is required' });
  });
});
