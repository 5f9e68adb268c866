import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('policy and audit log on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  const put = (payload: object, key?: string) =>
    t.request({ method: 'PUT', url: '/v1/policy', payload, key });
  const db = () => t.server.engine.context.db;

  it('starts with proactive messages off, quiet from 22:00 to 08:00, and nothing written', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/policy' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      allowProactive: false,
      requireOptIn: false,
      quietHours: { start: '22:00', end: '08:00' },
      unknownZone: 'default_zone',
      userCaps: { perDay: 2, perWeek: 5 },
      backoffAfterUnanswered: 2,
      midConversationMinutes: 30,
      characters: {},
      updatedAt: null,
    });
  });

  it('replaces the policy, fills absent fields with defaults, and records who changed what', async () => {
    const events: unknown[] = [];
    t.server.engine.events.on('policy.updated', (e) => events.push(e));
    const res = await put({
      allowProactive: true,
      quietHours: { start: '00:00', end: '07:30' },
      characters: { luna: { minTrust: 0.4, quietHours: null } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      allowProactive: true,
      quietHours: { start: '00:00', end: '07:30' },
      minGapMinutes: 180,
      characters: { luna: { minTrust: 0.4, quietHours: null } },
      updatedAt: '2026-11-23T12:00:00.000Z',
    });
    expect((await t.request({ method: 'GET', url: '/v1/policy' })).body).toEqual(res.body);
    expect(events).toEqual([{ tenantId: 'default', allowProactive: true }]);

    const audit = await t.request({ method: 'GET', url: '/v1/audit' });
    expect(audit.body.entries).toHaveLength(1);
    const [entry] = audit.body.entries;
    expect(entry).toMatchObject({
      seq: 1,
      action: 'policy.updated',
      subject: 'policy',
      prevHash: '0'.repeat(64),
    });
    expect(entry.actor).toMatch(/^key_/);
    expect(entry.detail.before).toBeNull();
    expect(entry.detail.after.allowProactive).toBe(true);
  });

  it.each([
    [{ quietHours: { start: '24:00', end: '08:00' } }, 'quietHours.start', /HH:MM/],
    [{ userCaps: { perDay: -1, perWeek: 5 } }, 'userCaps.perDay', />= 0/],
    [{ minTrust: 1.5 }, 'minTrust', /from 0 to 1/],
    [{ unknownZone: 'anytime' }, 'unknownZone', /default_zone/],
    [{ backoffAfterUnanswered: 0 }, 'backoffAfterUnanswered', /from 1 to 100/],
    [{ characters: { 'bad id': {} } }, 'characters', /./],
    [{ characters: { luna: { allowProactive: true } } }, 'characters.luna', /allowProactive/],
    [{ quietHour: null }, '', /quietHour/],
  ])('refuses %j naming the field, and changes nothing', async (payload, path, rule) => {
    const res = await put(payload);
    expect(res.status).toBe(400);
    const issue = res.body.error.issues.find((i: { path: string }) => i.path.startsWith(path));
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    expect(`${issue.path} ${issue.rule}`).toMatch(rule);
    expect((await t.request({ method: 'GET', url: '/v1/policy' })).body.updatedAt).toBeNull();
    expect((await t.request({ method: 'GET', url: '/v1/audit' })).body.entries).toEqual([]);
  });

  it('lets only admin keys change the policy or read the audit log', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'bot', scopes: ['read', 'write'] },
    });
    const botKey = created.body.key;
    expect((await t.request({ method: 'GET', url: '/v1/policy', key: botKey })).status).toBe(200);
    expect((await put({ allowProactive: true }, botKey)).status).toBe(403);
    expect((await t.request({ method: 'GET', url: '/v1/audit', key: botKey })).status).toBe(403);
  });

  it('chains policy and key changes, and verify finds an edited, a re-hashed or a deleted entry', async () => {
    await put({ allowProactive: true });
    const key = await t.request({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'ops', scopes: ['read'] },
    });
    await t.request({ method: 'DELETE', url: `/v1/keys/${key.body.keyId}` });
    await put({ allowProactive: false });
    const log = (await t.request({ method: 'GET', url: '/v1/audit' })).body.entries;
    expect(log.map((e: { action: string }) => e.action)).toEqual([
      'policy.updated',
      'api_key.created',
      'api_key.revoked',
      'policy.updated',
    ]);
    for (let i = 1; i < log.length; i++) expect(log[i].prevHash).toBe(log[i - 1].hash);
    const verify = () => t.request({ method: 'GET', url: '/v1/audit/verify' }).then((r) => r.body);
    expect(await verify()).toEqual({ ok: true, entries: 4, lastHash: log[3].hash, signed: false });

    // someone with database access turns the revocation into a harmless-looking entry
    await sql`update audit_log set detail = '{"name":"ops (renamed)"}' where seq = 3`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: expect.stringMatching(/edited/),
    });

    // ... and recomputes that entry's hash to hide it: the next entry no longer points at it
    await sql`update audit_log set hash = ${'f'.repeat(64)} where seq = 3`.execute(db());
    const { entryHash } = await import('../src/engine/kernel/audit.js');
    const row = (await t.request({ method: 'GET', url: '/v1/audit?after=2&limit=1' })).body.entries[0];
    const rehashed = entryHash({ ...row, at: new Date(row.at) });
    await sql`update audit_log set hash = ${rehashed} where seq = 3`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      problem: expect.stringMatching(/prev_hash/),
    });

    // ... or deletes it
    await sql`delete from audit_log where seq = 3`.execute(db());
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      problem: expect.stringMatching(/missing/),
    });
  });

  it('pages the audit log by seq', async () => {
    for (let i = 0; i < 5; i++) await put({ minGapMinutes: i });
    const first = await t.request({ method: 'GET', url: '/v1/audit?limit=2' });
    expect(first.body.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
    expect(first.body.next).toBe(2);
    const rest = await t.request({ method: 'GET', url: '/v1/audit?after=2&limit=10' });
    expect(rest.body.entries.map((e: { seq: number }) => e.seq)).toEqual([3, 4, 5]);
    expect(rest.body.next).toBeNull();
    expect((await t.request({ method: 'GET', url: '/v1/audit?limit=0' })).status).toBe(400);
  });

  it('keeps one chain when changes arrive at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => put({ minGapMinutes: 10 * i })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const verdict = (await t.request({ method: 'GET', url: '/v1/audit/verify' })).body;
    expect(verdict).toMatchObject({ ok: true, entries: 8 });
  });
});
