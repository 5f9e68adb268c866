import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { readPairRows } from '../src/storage/pair-state.repository.js';
import { claimDuePairs } from '../src/storage/schedule.repository.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const HOUR = 3_600_000;

// 2026-11-23 is a Monday. Chicago is UTC-6 in November: 16:00Z is 10:00 local, 01:00Z 19:00 local.
describe.each(BACKENDS)('the scheduler on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
    t.clock.set('2026-11-22T16:00:00Z');
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.server.engine.database.db;
  // deciding only: what the suggestions then say is test/drafting.test.ts's
  const sweep = () => t.server.engine.scheduler.runUntilIdle();
  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const policy = (over: object = {}) =>
    ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true, ...over } });
  const say = (userId: string, at: string, over: object = {}) =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `m-${userId}-${at}`,
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at,
        text: 'hi',
        ...over,
      },
    });
  const inChicago = (userId: string) =>
    ok({ method: 'PATCH', url: `/v1/users/${userId}`, payload: { timezone: 'America/Chicago' } });
  const suggestions = async (userId?: string) =>
    (
      await sql<{
        user_id: string;
        character_id: string;
        trigger_id: string;
        occasion_key: string;
        status: string;
      }>`
        select user_id, character_id, trigger_id, occasion_key, status from suggestions
        ${userId ? sql`where user_id = ${userId}` : sql``} order by created_at, user_id`.execute(db())
    ).rows;
  const decisions = async (userId: string) =>
    (await ok({ method: 'GET', url: `/v1/decisions?userId=${userId}` })).decisions;
  const silence = (over: object = {}) =>
    ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'quiet-day',
        name: 'A day of silence',
        spec: { kind: 'silence', afterHours: 24 },
        ...over,
      },
    });

  it('makes one suggestion after 24 h of silence, stores the decision with its trace, and never a second', async () => {
    await inChicago('alice');
    await say('alice', '2026-11-22T16:00:00Z');
    await policy();
    await silence({ cooldownMinutes: 0 });
    await sweep();
    expect(await suggestions()).toEqual([]);

    t.clock.set('2026-11-23T16:01:00Z');
    const r = await sweep();
    expect(r.suggestions).toBe(1);
    expect(await suggestions()).toEqual([
      {
        user_id: 'alice',
        character_id: 'luna',
        trigger_id: 'quiet-day',
        occasion_key: `silence:${Date.parse('2026-11-22T16:00:00Z')}`,
        status: 'drafting',
      },
    ]);
    const [decision] = await decisions('alice');
    expect(decision).toMatchObject({
      action: 'send',
      characterId: 'luna',
      occasion: { triggerId: 'quiet-day' },
    });
    expect(decision.suggestionId).toMatch(/^sug_/);
    expect(decision.trace.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect(decision.trace.map((c: { check: string }) => c.check)).toEqual(
      expect.arrayContaining(['allow_proactive', 'consent', 'quiet_hours', 'user_caps', 'trigger_caps']),
    );

    // the silence goes on: the same occasion is never used twice, whatever the sweeps
    for (const hours of [1, 24, 48]) {
      t.clock.set(Date.parse('2026-11-23T16:01:00Z') + hours * HOUR);
      await sweep();
    }
    expect(await suggestions()).toHaveLength(1);
  });

  it('defers a check-in that falls due in the morning to the user’s usual evening hour, then sends it', async () => {
    await inChicago('bea');
    // two weeks of evenings at 20:00 Chicago, then a message on Sunday morning at 10:00
    const history = Array.from({ length: 14 }, (_, i) => ({
      id: `e${i}`,
      kind: 'message_in',
      userId: 'bea',
      characterId: 'luna',
      at: new Date(Date.parse('2026-11-22T02:00:00Z') - i * 24 * HOUR).toISOString(),
    }));
    await ok({ method: 'POST', url: '/v1/events', payload: { events: history } });
    await say('bea', '2026-11-22T16:00:00Z');
    await policy();
    await ok({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });

    t.clock.set('2026-11-23T16:05:00Z'); // Monday 10:05 Chicago: 24 h of silence, not an evening
    await sweep();
    expect(await suggestions('bea')).toEqual([]);
    const [deferred] = await decisions('bea');
    // 20:00 Chicago, the hour of every one of those evenings
    expect(deferred).toMatchObject({ action: 'defer', until: '2026-11-24T02:00:00.000Z' });
    expect(deferred.trace.find((c: { check: string }) => c.check === 'good_time')).toMatchObject({
      passed: false,
      note: 'next_good_hour',
      detail: 'deferred to the next allowed good hour',
      triggerId: 'idle-check-in',
      until: '2026-11-24T02:00:00.000Z',
    });
    // stored as codes and numbers, read back in words
    expect(deferred.trace.find((c: { check: string }) => c.check === 'user_caps')).toMatchObject({
      passed: true,
      note: 'clear',
      detail: "0 today (cap 2), 0 this week (cap 5) to this user, in the user's local time",
      triggerId: 'idle-check-in',
    });

    t.clock.set('2026-11-24T01:59:00Z');
    await sweep();
    expect(await suggestions('bea')).toEqual([]);
    t.clock.set('2026-11-24T02:00:00Z');
    await sweep();
    expect(await suggestions('bea')).toMatchObject([{ trigger_id: 'idle-check-in', status: 'drafting' }]);
  });

  it('claims nothing while allowProactive is off, and decides what is due once it is on', async () => {
    await say('cid', '2026-11-22T16:00:00Z');
    await policy({ allowProactive: false, quietHours: null });
    await silence();
    t.clock.set('2026-11-24T12:00:00Z');
    expect(await sweep()).toMatchObject({ claimed: 0 });
    expect(await decisions('cid')).toEqual([]);
    await policy({ quietHours: null });
    expect((await sweep()).suggestions).toBe(1);
  });

  it('decides an event trigger in the sweep after the event, and a delayed one after its delay', async () => {
    await say('dan', '2026-11-22T16:00:00Z');
    const many = { perDay: 5, perWeek: 10 };
    await policy({
      quietHours: null,
      midConversationMinutes: 0,
      minGapMinutes: 0,
      userCaps: many,
      characterCaps: many,
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'shipped',
        name: 'Order shipped',
        spec: { kind: 'event', event: 'order.shipped', filter: { 'meta.gift': true } },
      },
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'follow-up',
        name: 'An hour after delivery',
        spec: { kind: 'event', event: 'order.delivered', delayMinutes: 60 },
        characterIds: ['luna'],
      },
    });
    await sweep();
    const recorded = t.server.engine.events.next('occasions.recorded');
    const custom = (id: string, name: string, meta: object) => ({
      id,
      kind: 'custom',
      name,
      userId: 'dan',
      characterId: 'luna',
      at: t.clock.now().toISOString(),
      meta,
    });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          custom('o1', 'order.shipped', { gift: true }),
          custom('o2', 'order.shipped', { gift: false }),
          custom('o3', 'order.delivered', {}),
        ],
      },
    });
    expect(await recorded).toEqual({ tenantId: 'default', count: 2 });
    await sweep();
    expect(await suggestions('dan')).toMatchObject([{ trigger_id: 'shipped', occasion_key: 'event:o1' }]);
    // the recorded occasion acted on is gone; the delayed one waits
    const stored = async () =>
      (await sql<{ key: string }>`select occasion_key as key from occasions`.execute(db())).rows.map(
        (r) => r.key,
      );
    expect(await stored()).toEqual(['event:o3']);

    t.clock.advance({ minutes: 59 });
    await sweep();
    expect(await suggestions('dan')).toHaveLength(1);
    t.clock.advance({ minutes: 1 });
    await sweep();
    expect((await suggestions('dan')).map((s) => s.occasion_key)).toEqual(['event:o1', 'event:o3']);
    expect(await stored()).toEqual([]);
  });

  it('stores why it did not message an opted-out user or a stranger who never wrote, and sends neither', async () => {
    await say('eve', '2026-11-22T16:00:00Z');
    await ok({ method: 'PATCH', url: '/v1/users/eve', payload: { consent: 'opted_out' } });
    await say('stranger', '2026-11-22T16:00:00Z', { kind: 'message_out', text: 'welcome!' });
    await policy({ quietHours: null });
    await silence();
    t.clock.set('2026-11-24T12:00:00Z');
    await sweep();
    expect(await suggestions()).toEqual([]);
    expect(await decisions('eve')).toMatchObject([{ action: 'skip', reason: 'consent' }]);
    expect(await decisions('stranger')).toMatchObject([{ action: 'skip', reason: 'user_wrote_first' }]);
    // blocked by checks that time does not change: not decided again until something happens
    t.clock.advance({ days: 1 });
    await sweep();
    expect(await decisions('eve')).toHaveLength(1);
    // the user opts in: decided again at once
    await ok({ method: 'PATCH', url: '/v1/users/eve', payload: { consent: 'opted_in' } });
    await sweep();
    expect(await suggestions('eve')).toHaveLength(1);
  });

  it('keeps the cap per user across characters, in one batch and across batches', async () => {
    await say('fay', '2026-11-22T16:00:00Z');
    await say('fay', '2026-11-22T16:00:00Z', { id: 'to-max', characterId: 'max' });
    await policy({ quietHours: null, userCaps: { perDay: 1, perWeek: 5 } });
    await silence();
    t.clock.set('2026-11-24T12:00:00Z');
    await sweep();
    expect(await suggestions('fay')).toHaveLength(1);
    expect((await decisions('fay')).map((d: { action: string }) => d.action).sort()).toEqual([
      'defer',
      'send',
    ]);

    // one pair a batch: the second batch reads the first one's suggestion under the user's lock
    await say('gus', '2026-11-24T12:00:00Z');
    await say('gus', '2026-11-24T12:00:00Z', { id: 'gus-max', characterId: 'max' });
    t.clock.set('2026-11-25T12:30:00Z');
    const oneByOne = new Scheduler(t.server.engine.context, {
      intervalMs: 10,
      batchSize: 1,
      leaseMs: 60_000,
      decisionRetentionDays: 30,
    });
    const r = await oneByOne.runUntilIdle();
    await oneByOne.stop();
    expect(r.claimed).toBeGreaterThanOrEqual(2);
    expect(await suggestions('gus')).toHaveLength(1);
  });

  it('loads a batch in the order it was claimed, whatever order the rows are probed in, without pairs that are gone', async () => {
    for (const [userId, characterId] of [
      ['zed', 'luna'],
      ['amy', 'max'],
      ['amy', 'luna'],
      ['kim', 'luna'],
    ] as const)
      await say(userId, '2026-11-22T15:00:00Z', { id: `${userId}-${characterId}`, characterId });
    const keys = [
      { userId: 'zed', characterId: 'luna' },
      { userId: 'amy', characterId: 'max' },
      { userId: 'nobody', characterId: 'luna' },
      { userId: 'kim', characterId: 'luna' },
      { userId: 'amy', characterId: 'luna' },
    ];
    const { pairs, activities } = await readPairRows(db(), 'default', keys);
    expect(pairs.map((p) => `${p.userId}/${p.characterId}`)).toEqual([
      'zed/luna',
      'amy/max',
      'kim/luna',
      'amy/luna',
    ]);
    expect(pairs[0]!.lastInboundAtMs).toBe(Date.parse('2026-11-22T15:00:00Z'));
    expect([...activities.keys()].sort()).toEqual(['amy', 'kim', 'zed']);
  });

  it('wakes a pair at the next 09:00 in the user’s zone for a weekday schedule, after it is enabled', async () => {
    await inChicago('hal');
    await say('hal', '2026-11-22T16:00:00Z');
    await policy();
    await sweep();
    await ok({ method: 'POST', url: '/v1/triggers/daily-standup/enable' });
    await sweep(); // the re-arm: every pair is decided again, and gets its next occurrence
    const due = await sql<{ next_due_at: Date }>`
      select next_due_at from pair_schedules where user_id = 'hal'`.execute(db());
    expect(due.rows[0]!.next_due_at.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    t.clock.set('2026-11-23T15:00:00Z');
    await sweep();
    expect(await suggestions('hal')).toMatchObject([
      { trigger_id: 'daily-standup', occasion_key: `at:${Date.parse('2026-11-23T15:00:00Z')}` },
    ]);
  });

  it('leaves pairs claimed by another instance alone until its lease ends, then decides them', async () => {
    await say('ivy', '2026-11-22T16:00:00Z');
    await policy({ quietHours: null });
    await silence();
    t.clock.set('2026-11-24T12:00:00Z');
    // an instance claims the due pairs and dies before deciding them
    const now = t.clock.now();
    const claimed = await claimDuePairs(db(), {
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      token: 'dead-instance:1',
      limit: 100,
    });
    expect(claimed.map((c) => c.userId)).toEqual(['ivy']);
    expect(await sweep()).toMatchObject({ claimed: 0 });
    t.clock.advance({ seconds: 61 });
    expect(await sweep()).toMatchObject({ claimed: 1, suggestions: 1 });
  });

  it('does not make anybody due when a new scheduler starts (a restart)', async () => {
    await say('jon', '2026-11-22T16:00:00Z');
    await policy({ quietHours: null });
    await silence();
    await sweep();
    t.clock.advance({ hours: 1 });
    const restarted = new Scheduler(t.server.engine.context, {
      intervalMs: 10,
      batchSize: 100,
      leaseMs: 60_000,
      decisionRetentionDays: 30,
    });
    expect(await restarted.runUntilIdle()).toMatchObject({ claimed: 0 });
    await restarted.stop();
  });

  it('deletes decisions past the retention period and occasions once expired, and nothing else', async () => {
    await say('ivy', '2026-11-22T16:00:00Z');
    await policy({ quietHours: null });
    await ok({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'later', name: 'Later', spec: { kind: 'event', event: 'later', delayMinutes: 120 } },
    });
    // 04:05, in the night of a user seen at 16:00
    t.clock.set('2026-11-24T04:05:00Z');
    await sweep();
    // deferred to her best hour: a stored decision
    expect(await decisions('ivy')).toMatchObject([{ action: 'defer' }]);
    // an occasion for a trigger that has been disabled is never taken up: it expires
    const event = { kind: 'custom', name: 'later', userId: 'ivy', characterId: 'luna' };
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: { events: [{ ...event, id: 'l1', at: t.clock.now().toISOString() }] },
    });
    await ok({ method: 'POST', url: '/v1/triggers/later/disable' });
    const stored = async () => (await sql`select 1 from occasions`.execute(db())).rows.length;
    expect(await stored()).toBe(1);

    const scheduler = t.server.engine.scheduler;
    t.clock.advance({ days: 29 });
    expect(await scheduler.prune()).toMatchObject({ decisions: 0, occasions: 1, more: false });
    expect(await decisions('ivy')).toHaveLength(1);
    expect(await stored()).toBe(0);
    t.clock.advance({ days: 1, minutes: 6 });
    expect(await scheduler.prune()).toMatchObject({ decisions: 1, occasions: 0 });
    expect(await decisions('ivy')).toEqual([]);
    // the pair itself is untouched: still scheduled
    const pairs = await sql`select next_due_at from pair_schedules where user_id = 'ivy'`.execute(db());
    expect(pairs.rows).toHaveLength(1);
    expect(pairs.rows[0]).toMatchObject({ next_due_at: expect.any(Date) });
  });

  it('answers 400 naming the field when decisions are asked for without a user', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/decisions' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([
      expect.objectContaining({ field: 'userId', rule: 'is required' }),
    ]);
    const bad = await t.request({ method: 'GET', url: '/v1/decisions?userId=a&action=maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ field: 'action' });
  });
});
