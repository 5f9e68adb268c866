import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// 2026-11-23 is a Monday; Chicago is UTC-6 in November: 16:00Z is 10:00 there, 02:00Z 20:00.
describe.each(BACKENDS)('open loops on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
    t.clock.set('2026-11-23T16:00:00Z');
    // approved openers are handed to the bot on the stream (the outbox is test/delivery.test.ts's)
    await ok({ method: 'PUT', url: '/v1/characters/luna', payload: {} });
    await ok({ method: 'PUT', url: '/v1/characters/luna/channels/stream', payload: {} });
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.server.engine.database.db;
  // decides and composes: a follow-up ends approved (auto), its opener about the loop
  const sweep = () => t.server.engine.sweep();
  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const say = (userId: string, text: string, over: object = {}) =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `m-${userId}-${t.clock.now().getTime()}`,
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at: t.clock.now().toISOString(),
        text,
        ...over,
      },
    });
  const inChicago = (userId: string) =>
    ok({ method: 'PATCH', url: `/v1/users/${userId}`, payload: { timezone: 'America/Chicago' } });
  /** Two weeks of evenings at 20:00 Chicago: the user's good hours are the evening. */
  const eveningHistory = (userId: string) =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: Array.from({ length: 14 }, (_, i) => ({
          id: `h-${userId}-${i}`,
          kind: 'message_in',
          userId,
          characterId: 'luna',
          at: new Date(Date.parse('2026-11-23T02:00:00Z') - i * DAY).toISOString(),
        })),
      },
    });
  const loops = async (userId: string, query = '') =>
    (await ok({ method: 'GET', url: `/v1/users/${userId}/open-loops${query}` })).openLoops;
  const addLoop = (userId: string, payload: object) =>
    t.request({ method: 'POST', url: `/v1/users/${userId}/open-loops`, payload });
  const close = (userId: string, loopId: string, payload?: object) =>
    t.request({ method: 'POST', url: `/v1/users/${userId}/open-loops/${loopId}/close`, payload });
  const suggestions = async () =>
    (
      await sql<{ user_id: string; trigger_id: string; occasion_key: string; status: string }>`
        select user_id, trigger_id, occasion_key, status from suggestions order by created_at`.execute(db())
    ).rows;
  const occasions = async () =>
    (
      await sql<{
        user_id: string;
        character_id: string;
        trigger_id: string;
        occasion_key: string;
        at: Date;
      }>`
        select user_id, character_id, trigger_id, occasion_key, at from occasions order by at`.execute(db())
    ).rows;
  const count = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from open_loops`.execute(db())).rows[0]!.n;
  const decisions = async (userId: string) =>
    (await ok({ method: 'GET', url: `/v1/decisions?userId=${userId}` })).decisions;

  it('reads "my interview is on Friday at 3pm" as due that Friday at 15:00 in the user’s zone', async () => {
    await inChicago('kai');
    const sent = await say('kai', 'Hi! my interview is on Friday at 3pm, so nervous');
    expect(sent.accepted).toBe(1);
    expect(await loops('kai')).toEqual([
      {
        loopId: expect.stringMatching(/^loop_/),
        userId: 'kai',
        characterId: 'luna',
        sentence: 'my interview is on Friday at 3pm, so nervous',
        mention: 'your interview',
        dueAt: '2026-11-27T21:00:00.000Z', // 15:00 in Chicago
        allDay: false,
        source: 'message',
        eventId: `m-kai-${Date.parse('2026-11-23T16:00:00Z')}`,
        status: 'open',
        closedAt: null,
        closedReason: null,
        closedNote: null,
        createdAt: '2026-11-23T16:00:00.000Z',
      },
    ]);
  });

  it('reads a message of a user without a zone in the tenant’s default zone', async () => {
    await ok({ method: 'PATCH', url: '/v1/tenant', payload: { defaultTimezone: 'Asia/Tokyo' } });
    // Tuesday 01:00 in Tokyo: "tomorrow" is Wednesday there
    await say('noa', 'exam tomorrow');
    const [loop] = await loops('noa');
    expect(loop).toMatchObject({ dueAt: '2026-11-25T09:00:00.000Z', allDay: true, mention: 'your exam' });
  });

  it('stores no second loop for a re-sent event or an event repeated in a batch, and none for old sentences', async () => {
    await inChicago('kai');
    const message = {
      id: 'm1',
      kind: 'message_in',
      userId: 'kai',
      characterId: 'luna',
      at: '2026-11-23T16:00:00Z',
      text: 'exam tomorrow. And my flight is on Friday!',
    };
    await ok({ method: 'POST', url: '/v1/events', payload: { events: [message, message] } });
    expect(await count()).toBe(2);
    const again = await ok({ method: 'POST', url: '/v1/events', payload: { ...message, text: 'changed' } });
    expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await loops('kai')).map((l: { mention: string }) => l.mention)).toEqual([
      'your flight',
      'your exam',
    ]);
    // the bot's own messages and messages without a plan give none
    await say('kai', 'how are you doing today?', { id: 'm2' });
    await say('kai', 'good luck on Friday at 3pm!', { id: 'm3', kind: 'message_out' });
    expect(await count()).toBe(2);
  });

  it('follows a loop up once, at a good hour after it is due plus 2 h, and closes it as followed up', async () => {
    await inChicago('kai');
    await eveningHistory('kai');
    await ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    await ok({ method: 'POST', url: '/v1/triggers/open-loop-follow-up/enable' });
    await say('kai', 'my interview is on Friday at 3pm');
    const [loop] = await loops('kai');
    // due at 15:00, asked about from 17:00 Chicago, for a day
    expect(await occasions()).toEqual([
      {
        user_id: 'kai',
        character_id: 'luna',
        trigger_id: 'open-loop-follow-up',
        occasion_key: `loop:${loop.loopId}`,
        at: new Date('2026-11-27T23:00:00Z'),
      },
    ]);
    await sweep();
    const due = await sql<{ next_due_at: Date }>`select next_due_at from pair_schedules`.execute(db());
    expect(due.rows).toEqual([{ next_due_at: new Date('2026-11-27T23:00:00Z') }]);

    t.clock.set('2026-11-27T22:59:00Z');
    await sweep();
    expect(await suggestions()).toEqual([]);

    // 17:01 in Chicago: due, but the user is around in the evening
    t.clock.set('2026-11-27T23:01:00Z');
    await sweep();
    expect(await suggestions()).toEqual([]);
    const [deferred] = await decisions('kai');
    expect(deferred).toMatchObject({
      action: 'defer',
      until: '2026-11-28T02:00:00.000Z',
      occasion: { triggerId: 'open-loop-follow-up', key: `loop:${loop.loopId}` },
    });
    expect(deferred.trace.find((c: { check: string }) => c.check === 'good_time')).toMatchObject({
      passed: false,
      note: 'next_good_hour',
    });

    t.clock.set('2026-11-28T02:00:00Z'); // 20:00 Chicago, the hour of her evenings
    expect((await sweep()).suggestions).toBe(1);
    expect(await suggestions()).toEqual([
      {
        user_id: 'kai',
        trigger_id: 'open-loop-follow-up',
        occasion_key: `loop:${loop.loopId}`,
        status: 'approved',
      },
    ]);
    expect((await loops('kai'))[0]).toMatchObject({
      status: 'closed',
      closedReason: 'followed_up',
      closedAt: '2026-11-28T02:00:00.000Z',
    });
    expect(await occasions()).toEqual([]);
    for (const hours of [1, 5, 24]) {
      t.clock.set(Date.parse('2026-11-28T02:00:00Z') + hours * HOUR);
      await sweep();
    }
    expect(await suggestions()).toHaveLength(1);
  });

  it('makes no follow-up for a loop closed through the API before its time', async () => {
    await inChicago('kai');
    await eveningHistory('kai');
    await ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    await ok({ method: 'POST', url: '/v1/triggers/open-loop-follow-up/enable' });
    await say('kai', 'my interview is on Friday at 3pm');
    const [loop] = await loops('kai');
    expect(await occasions()).toHaveLength(1);
    const closed = await close('kai', loop.loopId, { reason: 'the interview was cancelled' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedReason: 'closed_by_api',
      closedNote: 'the interview was cancelled',
      closedAt: '2026-11-23T16:00:00.000Z',
    });
    expect(await occasions()).toEqual([]);
    for (const at of ['2026-11-23T16:00:00Z', '2026-11-27T23:01:00Z', '2026-11-28T02:00:00Z']) {
      t.clock.set(at);
      await sweep();
    }
    expect(await suggestions()).toEqual([]);
  });

  it('makes no follow-up for a loop closed after its pair was loaded, and drops its occasion', async () => {
    await inChicago('kai');
    await ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'ask', name: 'Ask', spec: { kind: 'follow_up' }, atGoodTime: false },
    });
    await say('kai', 'my interview is on Friday at 3pm');
    // as if the API closed it between the sweep's read and its write: the occasion is still there
    await sql`update open_loops set status = 'closed', closed_at = ${t.clock.now()}, closed_reason = 'closed_by_api'`.execute(
      db(),
    );
    t.clock.set('2026-11-27T23:01:00Z'); // 17:01 in Chicago: due, and any hour will do
    await sweep();
    expect(await suggestions()).toEqual([]);
    expect(await occasions()).toEqual([]);
    expect((await loops('kai'))[0]).toMatchObject({ closedReason: 'closed_by_api' });
  });

  it('defers a follow-up that falls in quiet hours to their end', async () => {
    await inChicago('kai');
    await ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } }); // quiet 22:00-08:00
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'ask', name: 'Ask', spec: { kind: 'follow_up' }, atGoodTime: false },
    });
    await say('kai', 'my flight lands at 8pm on Friday');
    t.clock.set('2026-11-28T04:05:00Z'); // Friday 22:05 in Chicago: 2 h after the landing
    await sweep();
    expect(await suggestions()).toEqual([]);
    const [deferred] = await decisions('kai');
    expect(deferred).toMatchObject({ action: 'defer', until: '2026-11-28T14:00:00.000Z' }); // 08:00 Saturday
    expect(deferred.trace.find((c: { check: string }) => c.check === 'quiet_hours')).toMatchObject({
      passed: false,
      triggerId: 'ask',
    });
    t.clock.set('2026-11-28T14:00:00Z');
    await sweep();
    expect(await suggestions()).toMatchObject([{ trigger_id: 'ask', status: 'approved' }]);
  });

  it('follows up only for the characters a follow_up trigger is for, and not with a disabled one', async () => {
    await inChicago('kai');
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'for-max',
        name: 'Max asks',
        spec: { kind: 'follow_up', delayMinutes: 30 },
        characterIds: ['max'],
      },
    });
    await say('kai', 'exam tomorrow'); // to luna
    await say('kai', 'party on Saturday', { id: 'to-max', characterId: 'max' });
    expect(await occasions()).toEqual([
      {
        user_id: 'kai',
        character_id: 'max',
        trigger_id: 'for-max',
        occasion_key: `loop:${(await loops('kai', '?characterId=max'))[0].loopId}`,
        at: new Date('2026-11-29T00:30:00Z'), // 18:30 Saturday in Chicago
      },
    ]);
    expect(await count()).toBe(2);
  });

  it('closes as expired a loop whose follow-up expired unused', async () => {
    await inChicago('kai');
    await ok({ method: 'POST', url: '/v1/triggers/open-loop-follow-up/enable' });
    await say('kai', 'exam tomorrow'); // proactive messages stay off: nobody decides it
    const [loop] = await loops('kai');
    // the follow-up is due Tuesday 20:00 Chicago and lasts a day
    t.clock.set('2026-11-26T01:59:00Z');
    expect(await t.server.engine.scheduler.prune()).toMatchObject({ expiredLoops: 0, occasions: 0 });
    t.clock.set('2026-11-26T02:01:00Z');
    expect(await t.server.engine.scheduler.prune()).toMatchObject({ expiredLoops: 1, occasions: 1 });
    expect((await loops('kai'))[0]).toMatchObject({
      loopId: loop.loopId,
      status: 'closed',
      closedReason: 'expired',
      closedAt: '2026-11-26T02:01:00.000Z',
    });
  });

  describe('through the API', () => {
    beforeEach(async () => {
      await inChicago('kai');
      await say('kai', 'hello'); // kai talks to luna
      await ok({ method: 'PUT', url: '/v1/characters/max', payload: {} });
    });

    it('adds a loop with a mention read from the sentence, and records its follow-ups', async () => {
      await ok({ method: 'POST', url: '/v1/triggers/open-loop-follow-up/enable' });
      const res = await addLoop('kai', {
        sentence: ' Interview at Acme on Friday ',
        dueAt: '2026-11-27T09:00:00-06:00',
        characterId: 'luna',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        loopId: expect.stringMatching(/^loop_/),
        userId: 'kai',
        characterId: 'luna',
        sentence: 'Interview at Acme on Friday',
        mention: 'your interview at Acme',
        dueAt: '2026-11-27T15:00:00.000Z',
        allDay: false,
        source: 'api',
        eventId: null,
        status: 'open',
        closedAt: null,
        closedReason: null,
        closedNote: null,
        createdAt: '2026-11-23T16:00:00.000Z',
      });
      const given = await addLoop('kai', {
        sentence: 'Her cat is having surgery',
        mention: "Mittens' surgery",
        dueAt: '2026-11-25T00:00:00Z',
        allDay: true,
        characterId: 'max',
      });
      expect(given.body).toMatchObject({ mention: "Mittens' surgery", allDay: true, characterId: 'max' });
      const quoted = await addLoop('kai', {
        sentence: 'Calling the bank!',
        dueAt: '2026-11-26T00:00:00Z',
        characterId: 'luna',
      });
      expect(quoted.body.mention).toBe('"Calling the bank"');
      expect((await occasions()).map((o) => [o.occasion_key, o.at.toISOString()])).toEqual([
        [`loop:${given.body.loopId}`, '2026-11-25T02:00:00.000Z'],
        [`loop:${quoted.body.loopId}`, '2026-11-26T02:00:00.000Z'],
        [`loop:${res.body.loopId}`, '2026-11-27T17:00:00.000Z'],
      ]);
    });

    it('lists loops latest due first, by status and character, page by page', async () => {
      const ids: string[] = [];
      for (const [i, characterId] of ['luna', 'max', 'luna', 'luna'].entries())
        ids.push(
          (
            await ok({
              method: 'POST',
              url: '/v1/users/kai/open-loops',
              payload: {
                sentence: `plan ${i}`,
                dueAt: new Date(Date.parse('2026-12-01T12:00:00Z') + i * DAY).toISOString(),
                characterId,
              },
            })
          ).loopId,
        );
      await ok({ method: 'POST', url: `/v1/users/kai/open-loops/${ids[3]}/close` });
      const first = await ok({ method: 'GET', url: '/v1/users/kai/open-loops?limit=2' });
      expect(first.openLoops.map((l: { loopId: string }) => l.loopId)).toEqual([ids[3], ids[2]]);
      const second = await ok({
        method: 'GET',
        url: `/v1/users/kai/open-loops?limit=2&before=${first.next}`,
      });
      expect(second.openLoops.map((l: { loopId: string }) => l.loopId)).toEqual([ids[1], ids[0]]);
      expect(
        (await ok({ method: 'GET', url: `/v1/users/kai/open-loops?limit=2&before=${second.next}` }))
          .openLoops,
      ).toEqual([]);
      const ofLuna = async (q: string) => (await loops('kai', q)).map((l: { loopId: string }) => l.loopId);
      expect(await ofLuna('?status=open&characterId=luna')).toEqual([ids[2], ids[0]]);
      expect(await ofLuna('?status=closed')).toEqual([ids[3]]);
      expect(await ofLuna('?characterId=max')).toEqual([ids[1]]);
    });

    it('closes a loop once: again is a 409, and an unknown loop or another user’s is a 404', async () => {
      const loop = (
        await addLoop('kai', { sentence: 'exam', dueAt: '2026-11-25T00:00:00Z', characterId: 'luna' })
      ).body;
      await ok({ method: 'PATCH', url: '/v1/users/noa', payload: {} });
      const other = await close('noa', loop.loopId);
      expect(other.status).toBe(404);
      expect(other.body.error.message).toBe(`open loop "${loop.loopId}" of user "noa" not found`);
      expect((await close('kai', 'loop_nothing')).status).toBe(404);
      const closed = await close('kai', loop.loopId);
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({
        status: 'closed',
        closedReason: 'closed_by_api',
        closedNote: null,
      });
      const again = await close('kai', loop.loopId, { reason: 'twice' });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/closed already/);
      expect((await loops('kai'))[0]).toMatchObject({ closedNote: null });
      // the library closes the same way
      const tenant = t.server.engine.forTenant('default');
      await expect(tenant.closeOpenLoop('kai', loop.loopId)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('answers 404 for an unknown user or character, and stores nothing', async () => {
      const noUser = await addLoop('nobody', {
        sentence: 'x',
        dueAt: '2026-11-25T00:00:00Z',
        characterId: 'luna',
      });
      expect(noUser.status).toBe(404);
      expect(noUser.body.error.message).toBe('user "nobody" not found');
      expect((await t.request({ method: 'GET', url: '/v1/users/nobody/open-loops' })).status).toBe(404);
      expect((await close('nobody', 'loop_x')).status).toBe(404);
      const noCharacter = await addLoop('kai', {
        sentence: 'x',
        dueAt: '2026-11-25T00:00:00Z',
        characterId: 'ghost',
      });
      expect(noCharacter.status).toBe(404);
      expect(noCharacter.body.error.message).toBe('character "ghost" not found');
      expect(await count()).toBe(0);
    });

    it.each([
      ['no sentence', { dueAt: '2026-11-25T00:00:00Z', characterId: 'luna' }, 'sentence', /required/],
      [
        'a blank sentence',
        { sentence: '  ', dueAt: '2026-11-25T00:00:00Z', characterId: 'luna' },
        'sentence',
        /1-1000/,
      ],
      ['no dueAt', { sentence: 'x', characterId: 'luna' }, 'dueAt', /required|ISO 8601/],
      [
        'a dueAt without offset',
        { sentence: 'x', dueAt: '2026-11-25T09:00:00', characterId: 'luna' },
        'dueAt',
        /UTC offset/,
      ],
      ['no characterId', { sentence: 'x', dueAt: '2026-11-25T00:00:00Z' }, 'characterId', /required/],
      [
        'allDay as a string',
        { sentence: 'x', dueAt: '2026-11-25T00:00:00Z', characterId: 'luna', allDay: 'yes' },
        'allDay',
        /true or false/,
      ],
      [
        'a mention over 200 characters',
        { sentence: 'x', dueAt: '2026-11-25T00:00:00Z', characterId: 'luna', mention: 'm'.repeat(201) },
        'mention',
        /1-200/,
      ],
      [
        'an unknown field',
        { sentence: 'x', dueAt: '2026-11-25T00:00:00Z', characterId: 'luna', status: 'open' },
        'status',
        /not a known field/,
      ],
    ])('refuses %s with 400 naming the field, and stores nothing', async (_, payload, path, rule) => {
      const res = await addLoop('kai', payload);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      const issue = res.body.error.issues.find((i: { path: string }) => i.path === path);
      expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
      expect(issue.rule).toMatch(rule);
      expect(await count()).toBe(0);
    });

    it('refuses a bad query or close reason with 400 naming it', async () => {
      const status = await t.request({ method: 'GET', url: '/v1/users/kai/open-loops?status=done' });
      expect(status.status).toBe(400);
      expect(status.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['query.status']);
      const limit = await t.request({ method: 'GET', url: '/v1/users/kai/open-loops?limit=0' });
      expect(limit.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['query.limit']);
      const loop = (
        await addLoop('kai', { sentence: 'x', dueAt: '2026-11-25T00:00:00Z', characterId: 'luna' })
      ).body;
      const reason = await close('kai', loop.loopId, { reason: '' });
      expect(reason.status).toBe(400);
      expect(reason.body.error.issues[0]).toMatchObject({
        path: 'reason',
        rule: expect.stringMatching(/1-500/),
      });
      expect((await loops('kai'))[0].status).toBe('open');
    });

    it('adds, lists and closes loops through the library as through the API', async () => {
      const tenant = t.server.engine.forTenant('default');
      const loop = await tenant.addOpenLoop('kai', {
        sentence: 'my exam is on Friday',
        dueAt: '2026-11-27T18:00:00-06:00',
        characterId: 'luna',
        allDay: true,
      });
      expect(loop).toMatchObject({ mention: 'your exam', source: 'api', allDay: true });
      expect((await tenant.listOpenLoops('kai', { status: 'open' })).openLoops).toHaveLength(1);
      expect(await tenant.closeOpenLoop('kai', loop.loopId, { reason: 'done' })).toMatchObject({
        closedReason: 'closed_by_api',
        closedNote: 'done',
      });
      // @ts-expect-error dueAt and characterId are missing: refused when compiled, and when run
      await expect(tenant.addOpenLoop('kai', { sentence: 'x' })).rejects.toMatchObject({
        code: 'invalid_request',
        issues: expect.arrayContaining([expect.objectContaining({ path: 'dueAt' })]),
      });
    });
  });
});
