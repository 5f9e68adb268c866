import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { event, startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('users and characters on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  const patch = (userId: string, payload: object) =>
    t.request({ method: 'PATCH', url: `/v1/users/${userId}`, payload });
  const put = (id: string, payload: object) =>
    t.request({ method: 'PUT', url: `/v1/characters/${id}`, payload });

  it('answers 404 naming the user that does not exist', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/users/nobody' });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'user "nobody" not found' });
  });

  it('creates a user on PATCH before any event, and keeps the profile when events arrive', async () => {
    const res = await patch('u1', { timezone: 'Europe/Berlin', locale: 'de-de', consent: 'opted_in' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      userId: 'u1',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
      consent: 'opted_in',
      consentUpdatedAt: '2026-11-23T12:00:00.000Z',
    });
    await t.request({ method: 'POST', url: '/v1/events', payload: event() });
    const after = await t.request({ method: 'GET', url: '/v1/users/u1' });
    expect(after.body).toMatchObject({ timezone: 'Europe/Berlin', consent: 'opted_in' });
    expect(after.body.activity.inboundCount).toBe(1);
  });

  it('changes only the fields a PATCH names; null clears timezone and locale', async () => {
    await patch('u1', { timezone: 'Asia/Tokyo', locale: 'ja', consent: 'opted_out' });
    t.clock.advance({ minutes: 5 });
    const res = await patch('u1', { locale: null });
    expect(res.body).toMatchObject({ timezone: 'Asia/Tokyo', locale: null, consent: 'opted_out' });
    expect(res.body.updatedAt).toBe('2026-11-23T12:05:00.000Z');
    expect(res.body.consentUpdatedAt).toBe('2026-11-23T12:00:00.000Z');
    expect((await patch('u1', { timezone: null })).body.timezone).toBeNull();
  });

  it("sets the bot's trust in a user's relationship with a character, and refuses what is out of range", async () => {
    await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: event({ userId: 'u1', characterId: 'aria' }),
    });
    const url = '/v1/users/u1/characters/aria';
    const res = await t.request({ method: 'PATCH', url, payload: { trust: 0.35 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      userId: 'u1',
      characterId: 'aria',
      trust: 0.35,
      activity: { inboundCount: 1 },
    });
    expect((await t.request({ method: 'GET', url: '/v1/users/u1' })).body.characters[0].trust).toBe(0.35);
    const bad = await t.request({ method: 'PATCH', url, payload: { trust: 1.2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ path: 'trust', rule: 'must be from 0 to 1' });
    const missing = await t.request({
      method: 'PATCH',
      url: '/v1/users/u1/characters/nova',
      payload: { trust: 1 },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('conversation of user "u1" with character "nova" not found');
    expect((await t.request({ method: 'GET', url: '/v1/users/u1' })).body.characters[0].trust).toBe(0.35);
  });

  it('merges addresses per channel, and null removes one', async () => {
    await patch('u1', { addresses: { telegram: '111', discord: '222' } });
    const res = await patch('u1', { addresses: { discord: null, slack: 'U333' } });
    expect(res.body.addresses).toEqual({ telegram: '111', slack: 'U333' });
  });

  it('records when consent changes, not when it is re-sent unchanged', async () => {
    await patch('u1', { consent: 'opted_in' });
    t.clock.advance({ hours: 1 });
    expect((await patch('u1', { consent: 'opted_in' })).body.consentUpdatedAt).toBe(
      '2026-11-23T12:00:00.000Z',
    );
    expect((await patch('u1', { consent: 'opted_out' })).body.consentUpdatedAt).toBe(
      '2026-11-23T13:00:00.000Z',
    );
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'timezone', 'must be an IANA time zone name'],
    [{ timezone: '+02:00' }, 'timezone', 'must be an IANA time zone name'],
    [{ locale: 'not a locale' }, 'locale', 'must be a BCP 47 language tag'],
    [{ consent: 'yes' }, 'consent', 'must be one of "opted_in", "unknown", "opted_out"'],
    [{ addresses: { 'Tele gram': '1' } }, 'addresses.Tele gram', 'key must be 1-32 lowercase letters'],
    [{ addresses: { telegram: '' } }, 'telegram', 'must not be empty'],
    [{ nickname: 'x' }, 'nickname', 'is not a known field'],
  ])('rejects the patch %o with 400 naming the field, and writes nothing', async (payload, field, rule) => {
    const res = await patch('u1', payload);
    expect(res.status).toBe(400);
    const issue = res.body.error.issues[0];
    expect(issue.path).toContain(field);
    expect(issue.rule).toContain(rule);
    expect((await t.request({ method: 'GET', url: '/v1/users/u1' })).status).toBe(404);
  });

  it('rejects a user id that cannot be one, on every user route', async () => {
    const long = 'x'.repeat(129);
    expect((await t.request({ method: 'GET', url: `/v1/users/${long}` })).status).toBe(400);
    const res = await patch(long, { consent: 'unknown' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'userId' });
  });

  it('lists users in id order, a page at a time', async () => {
    const events = ['c', 'a', 'e', 'b', 'd'].map((u) => event({ id: `m-${u}`, userId: u }));
    await t.request({ method: 'POST', url: '/v1/events', payload: { events } });
    const first = await t.request({ method: 'GET', url: '/v1/users?limit=2' });
    expect(first.body.users.map((u: { userId: string }) => u.userId)).toEqual(['a', 'b']);
    expect(first.body.next).toBe('b');
    const second = await t.request({ method: 'GET', url: '/v1/users?limit=2&after=b' });
    expect(second.body.users.map((u: { userId: string }) => u.userId)).toEqual(['c', 'd']);
    const last = await t.request({ method: 'GET', url: '/v1/users?limit=2&after=d' });
    expect(last.body).toMatchObject({ users: [{ userId: 'e' }], next: null });
    const bad = await t.request({ method: 'GET', url: '/v1/users?limit=0' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ path: 'query.limit', rule: 'must be at least 1' });
  });

  it('creates a character with PUT (201), replaces it on the next PUT (200)', async () => {
    const created = await put('aria', {
      name: 'Aria',
      persona: 'Warm and curious.',
      proactiveEnabled: false,
      defaults: { timezone: 'Europe/Paris', channel: 'telegram' },
      voice: { tone: 'playful' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      characterId: 'aria',
      name: 'Aria',
      proactiveEnabled: false,
      defaults: { timezone: 'Europe/Paris', channel: 'telegram' },
      voice: { tone: 'playful' },
    });
    t.clock.advance({ minutes: 1 });
    const replaced = await put('aria', { name: 'Aria 2' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      name: 'Aria 2',
      persona: null,
      proactiveEnabled: true,
      defaults: {},
      voice: { tone: 'warm' },
    });
    expect(replaced.body.createdAt).toBe('2026-11-23T12:00:00.000Z');
    expect(replaced.body.updatedAt).toBe('2026-11-23T12:01:00.000Z');
  });

  it('answers 200 to the first PUT of a character that ingest already created', async () => {
    await t.request({ method: 'POST', url: '/v1/events', payload: event() });
    expect((await put('aria', { name: 'Aria' })).status).toBe(200);
  });

  it('gives a character that ingest created a warm voice', async () => {
    await t.request({ method: 'POST', url: '/v1/events', payload: event() });
    const res = await t.request({ method: 'GET', url: '/v1/characters/aria' });
    expect(res.body.voice).toEqual({ tone: 'warm' });
  });

  it('keeps a character ingest sees again as it was configured', async () => {
    await put('aria', { name: 'Aria', proactiveEnabled: false });
    await t.request({ method: 'POST', url: '/v1/events', payload: event() });
    const res = await t.request({ method: 'GET', url: '/v1/characters/aria' });
    expect(res.body).toMatchObject({ name: 'Aria', proactiveEnabled: false });
  });

  it.each([
    ['name', { name: '' }, 'must not be empty'],
    ['proactiveEnabled', { proactiveEnabled: 'yes' }, 'must be a boolean'],
    ['defaults.timezone', { defaults: { timezone: 'Nowhere/City' } }, 'must be an IANA time zone name'],
    ['defaults.tone', { defaults: { tone: 'x' } }, 'is not a known field'],
    ['voice.tone', { voice: { tone: 'grumpy' } }, 'must be one of warm, playful, calm, formal'],
    ['voice.accent', { voice: { accent: 'scottish' } }, 'is not a known field'],
    ['persona', { persona: 'x'.repeat(20_001) }, 'must be at most 20000 characters'],
  ])('rejects a character whose %s breaks its rule, with 400 naming it', async (path, payload, rule) => {
    const res = await put('aria', payload);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path, rule: expect.stringContaining(rule) });
    expect((await t.request({ method: 'GET', url: '/v1/characters/aria' })).status).toBe(404);
  });

  it('lists characters with pagination', async () => {
    for (const id of ['b', 'a', 'c']) await put(id, {});
    const res = await t.request({ method: 'GET', url: '/v1/characters?limit=2' });
    expect(res.body.characters.map((c: { characterId: string }) => c.characterId)).toEqual(['a', 'b']);
    expect(res.body.next).toBe('b');
  });
});
