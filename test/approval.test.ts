import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { BACKENDS } from './helpers/backends.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = randomBytes(32).toString('base64');

/** The approval queue: suggest and manual modes, approve and dismiss, expiry, the tenant-wide list. */
describe.each(BACKENDS)('the approval queue on %s', (backend) => {
  let t: TestServer;
  let channels: RecordingChannel;
  let n = 0;

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const engine = () => t.server.engine;
  const say = (userId: string) =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `m${n++}`,
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at: t.clock.now().toISOString(),
        text: 'hi',
      },
    });

  beforeEach(async () => {
    channels = new RecordingChannel();
    t = await startTestServer(backend, { secretKey: SECRET_KEY }, { channels: channels.factory });
    n = 0;
    await ok({ method: 'PUT', url: '/v1/characters/luna', payload: { name: 'Luna' } });
    await ok({
      method: 'PUT',
      url: '/v1/characters/luna/channels/telegram',
      payload: { token: '123:token-xyz' },
    });
    for (const user of ['maya', 'noor']) {
      await ok({
        method: 'PATCH',
        url: `/v1/users/${user}`,
        payload: { addresses: { telegram: `tg-${user}` } },
      });
      await say(user);
    }
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      payload: { ...OPEN_POLICY, midConversationMinutes: 0 },
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'nudge',
        name: 'Nudge',
        spec: { kind: 'event', event: 'nudge' },
        approval: 'suggest',
        cooldownMinutes: 0,
        expiryMinutes: 120,
      },
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'by-hand',
        name: 'By hand',
        spec: { kind: 'event', event: 'never' },
        approval: 'manual',
      },
    });
  });
  afterEach(() => t.close());

  /** A `nudge` for the user, decided and drafted: a pending suggestion's id. */
  const nudge = async (userId = 'maya') => {
    t.clock.advance({ minutes: 1 });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `n${n++}`,
        kind: 'custom',
        name: 'nudge',
        userId,
        characterId: 'luna',
        at: t.clock.now().toISOString(),
      },
    });
    expect((await engine().sweep()).suggestions).toBe(1);
    const { suggestions } = await ok({ method: 'GET', url: `/v1/suggestions?userId=${userId}&limit=1` });
    expect(suggestions[0].status).toBe('pending');
    return suggestions[0].suggestionId as string;
  };
  const approve = (id: string, payload?: object) =>
    t.request({ method: 'POST', url: `/v1/suggestions/${id}/approve`, ...(payload ? { payload } : {}) });

  it('waits in suggest mode, is pushed live, and sends once a person approves it', async () => {
    const updates: string[] = [];
    engine().events.on('suggestion.updated', (e) => updates.push(`${e.suggestionId}:${e.status}`));
    const id = await nudge();
    expect(updates).toEqual([`${id}:pending`]);
    expect(await engine().deliver()).toMatchObject({ claimed: 0 });

    const res = await approve(id);
    expect(res.status).toBe(200);
    expect(res.body.suggestion).toMatchObject({
      status: 'approved',
      handledBy: expect.stringMatching(/^key_/),
      composedText: null,
    });
    expect(res.body.delivery).toMatchObject({
      status: 'queued',
      channel: 'telegram',
      address: 'tg-maya',
      attemptLog: [],
    });
    await engine().deliver();
    expect(channels.delivered.map((c) => c.address)).toEqual(['tg-maya']);
    expect((await ok({ method: 'GET', url: `/v1/suggestions/${id}` })).status).toBe('sent');
    expect(updates).toEqual([`${id}:pending`, `${id}:approved`, `${id}:sending`, `${id}:sent`]);
  });

  it('sends the text a person wrote, keeping the composed one', async () => {
    const id = await nudge();
    const composed = (await ok({ method: 'GET', url: `/v1/suggestions/${id}` })).text;
    const res = await approve(id, { text: '  Thinking of you today. How are you?  ' });
    expect(res.body.suggestion).toMatchObject({
      text: 'Thinking of you today. How are you?',
      composedText: composed,
    });
    await engine().deliver();
    expect(channels.delivered[0]!.text).toBe('Thinking of you today. How are you?');
  });

  it('refuses bad approvals and dismissals with the field and the rule, changing nothing', async () => {
    const id = await nudge();
    for (const [payload, rule] of [
      [{ text: '' }, 'text must not be empty'],
      [{ text: 'x'.repeat(2001) }, 'text must be at most 2000 characters'],
      [{ txt: 'hi' }, 'txt is not a known field'],
    ] as const) {
      const res = await approve(id, payload);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(rule);
    }
    const dismiss = await t.request({ method: 'POST', url: `/v1/suggestions/${id}/dismiss`, payload: {} });
    expect(dismiss.status).toBe(400);
    expect(dismiss.body.error.message).toBe('reason is required');
    expect((await ok({ method: 'GET', url: `/v1/suggestions/${id}` })).status).toBe('pending');
    expect((await t.request({ method: 'POST', url: '/v1/suggestions/nope/approve' })).status).toBe(404);
  });

  it('refuses to approve a suggestion handled already, and one that expired', async () => {
    const id = await nudge();
    expect((await approve(id)).status).toBe(200);
    const again = await approve(id);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `suggestion "${id}" is approved already; only a pending one can be approved`,
    );
    const dismissLate = await t.request({
      method: 'POST',
      url: `/v1/suggestions/${id}/dismiss`,
      payload: { reason: 'no' },
    });
    expect(dismissLate.status).toBe(409);

    const old = await nudge();
    t.clock.advance({ minutes: 121 });
    const expired = await approve(old);
    expect(expired.status).toBe(409);
    expect(expired.body.error.message).toMatch(new RegExp(`^suggestion "${old}" expired at `));
    expect(await ok({ method: 'GET', url: `/v1/suggestions/${old}` })).toMatchObject({
      status: 'expired',
      statusReason: 'expired before it was approved',
      deliveries: [],
    });
    expect((await approve(old)).body.error.message).toContain('is expired already');
  });

  it('expires pending suggestions whose time ran out, without anyone asking', async () => {
    const id = await nudge();
    t.clock.advance({ minutes: 121 });
    expect(await engine().deliver()).toMatchObject({ expired: 1 });
    expect(await ok({ method: 'GET', url: `/v1/suggestions/${id}` })).toMatchObject({ status: 'expired' });
  });

  it('sends once when two approvals come at the same moment', async () => {
    const id = await nudge();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => approve(id, { text: `Version ${i} of the opener, by a person` })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const winner = answers.find((a) => a.status === 200)!;
    const detail = await ok({ method: 'GET', url: `/v1/suggestions/${id}` });
    expect(detail.deliveries).toHaveLength(1);
    expect(detail.text).toBe(winner.body.suggestion.text);
    await engine().deliver();
    expect(channels.delivered).toHaveLength(1);
    expect(channels.delivered[0]!.text).toBe(winner.body.suggestion.text);
  });

  it('dismisses a pending suggestion with a reason, sending nothing', async () => {
    const id = await nudge();
    const res = await t.request({
      method: 'POST',
      url: `/v1/suggestions/${id}/dismiss`,
      payload: { reason: 'not today' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'dismissed', statusReason: 'not today' });
    await engine().deliver();
    expect(channels.calls).toHaveLength(0);
    const audit = await ok({ method: 'GET', url: '/v1/audit' });
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'suggestion.dismissed',
      subject: `suggestion:${id}`,
    });
  });

  it('refuses an approval the user cannot be reached for, and leaves it pending', async () => {
    const id = await nudge('noor');
    await ok({ method: 'PATCH', url: '/v1/users/noor', payload: { addresses: { telegram: null } } });
    const res = await approve(id);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      `suggestion "${id}" cannot be sent: no reachable address (telegram: the user has no address)`,
    );
    expect(await ok({ method: 'GET', url: `/v1/suggestions/${id}` })).toMatchObject({
      status: 'pending',
      deliveries: [],
    });
    await ok({ method: 'PATCH', url: '/v1/users/noor', payload: { addresses: { telegram: 'tg-noor-2' } } });
    expect((await approve(id)).body.delivery.address).toBe('tg-noor-2');
  });

  it('fires a manual trigger only by hand, and what it makes waits for approval', async () => {
    t.clock.advance({ days: 2 });
    await engine().sweep();
    expect((await ok({ method: 'GET', url: '/v1/suggestions' })).suggestions).toEqual([]);
    const fire = (payload: object) =>
      t.request({ method: 'POST', url: '/v1/triggers/by-hand/fire', payload });
    const res = await fire({ userId: 'maya', characterId: 'luna', id: 'first' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: true,
      triggerId: 'by-hand',
      occasionKey: 'fire:first',
      duplicate: false,
    });
    expect((await fire({ userId: 'maya', characterId: 'luna', id: 'first' })).body.duplicate).toBe(true);
    await engine().sweep();
    const { suggestions } = await ok({ method: 'GET', url: '/v1/suggestions?status=pending' });
    expect(suggestions).toMatchObject([
      { triggerId: 'by-hand', userId: 'maya', approval: 'manual', status: 'pending' },
    ]);

    expect((await fire({ userId: 'ghost', characterId: 'luna' })).status).toBe(404);
    expect((await fire({ characterId: 'luna' })).body.error.message).toBe('userId is required');
    await ok({ method: 'POST', url: '/v1/triggers/by-hand/disable' });
    expect((await fire({ userId: 'maya', characterId: 'luna' })).status).toBe(409);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/triggers/nope/fire',
          payload: { userId: 'maya', characterId: 'luna' },
        })
      ).status,
    ).toBe(404);
  });

  it("lists the tenant's queue by status and character, newest first, in pages", async () => {
    const ids = [await nudge('maya'), await nudge('noor'), await nudge('maya')];
    await t.request({ method: 'POST', url: `/v1/suggestions/${ids[1]}/dismiss`, payload: { reason: 'no' } });
    const pending = await ok({ method: 'GET', url: '/v1/suggestions?status=pending' });
    expect(pending.suggestions.map((s: { suggestionId: string }) => s.suggestionId)).toEqual([
      ids[2],
      ids[0],
    ]);
    const first = await ok({ method: 'GET', url: '/v1/suggestions?limit=2' });
    expect(first.suggestions.map((s: { suggestionId: string }) => s.suggestionId)).toEqual([ids[2], ids[1]]);
    const second = await ok({ method: 'GET', url: `/v1/suggestions?limit=2&before=${first.next}` });
    expect(second.suggestions.map((s: { suggestionId: string }) => s.suggestionId)).toEqual([ids[0]]);
    expect((await ok({ method: 'GET', url: '/v1/suggestions?characterId=other' })).suggestions).toEqual([]);
    const bad = await t.request({ method: 'GET', url: '/v1/suggestions?status=waiting' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^query.status must be one of drafting, pending/);
  });

  it("holds a message approved during the user's quiet hours until they end, and stops one the user opted out of", async () => {
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { timezone: 'America/Chicago' } });
    await ok({ method: 'PATCH', url: '/v1/users/noor', payload: { timezone: 'America/Chicago' } });
    const [early, later] = [await nudge('maya'), await nudge('noor')];
    // quiet hours are set after the decisions, as a person approving late at night would find them
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      payload: {
        allowProactive: true,
        quietHours: { start: '22:00', end: '08:00' },
        minGapMinutes: 0,
        midConversationMinutes: 0,
      },
    });
    // it is 06:0x in Chicago: inside them
    await ok({ method: 'POST', url: `/v1/suggestions/${early}/approve`, payload: {} });
    await ok({ method: 'POST', url: `/v1/suggestions/${later}/approve`, payload: {} });
    expect(await engine().deliver()).toMatchObject({ claimed: 2, deferred: 2, sent: 0 });
    const held = (await ok({ method: 'GET', url: `/v1/suggestions/${early}` })).deliveries[0];
    expect(held).toMatchObject({
      status: 'queued',
      attempts: 0,
      attemptLog: [],
      reason: 'quiet hours (22:00-08:00 local)',
      nextAttemptAt: '2026-11-23T14:00:00.000Z',
    });
    expect(channels.calls).toHaveLength(0);

    await ok({ method: 'PATCH', url: '/v1/users/noor', payload: { consent: 'opted_out' } });
    t.clock.set('2026-11-23T14:00:00Z'); // 08:00 in Chicago, before the suggestions expire
    expect(await engine().deliver()).toMatchObject({ sent: 1, failed: 1 });
    expect(channels.delivered.map((c) => c.address)).toEqual(['tg-maya']);
    expect(await ok({ method: 'GET', url: `/v1/suggestions/${later}` })).toMatchObject({
      status: 'failed',
      statusReason: 'the user opted out',
    });
  });

  it('works the same from the library', async () => {
    const tenant = engine().forTenant('default');
    const id = await nudge();
    const approved = await tenant.approveSuggestion(id, { text: 'From the library, with care' });
    expect(approved).toMatchObject({
      status: 'approved',
      handledBy: 'library',
      deliveries: [{ status: 'queued' }],
    });
    await expect(tenant.approveSuggestion(id)).rejects.toMatchObject({ code: 'conflict' });
    const other = await nudge('noor');
    expect(await tenant.dismissSuggestion(other, { reason: 'later' })).toMatchObject({ status: 'dismissed' });
  });
});
