import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegramServer, startFakeTelegramServer } from '../src/testing/fake-telegram-server.js';
import { BACKENDS } from './helpers/backends.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { startProactivePair } from './helpers/proactive-pair.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { PING_TRIGGER } from './helpers/triggers.js';

const TELEGRAM_TOKEN = '123456:telegram-test-token';
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
const USERS = 200;
const userId = (i: number) => `u${String(i).padStart(3, '0')}`;

interface Group {
  key: string | null;
  sent: number;
  delivered: number;
  replied: number;
  replyRate: number | null;
  meanings: Record<string, number>;
  feedback: { positive: number; negative: number };
  returns72h: { sent: { users: number; returned: number }; heldOut: { users: number; returned: number } };
  lift: { estimate: number; low: number; high: number } | null;
}

/**
 * Holdouts and the engagement report (issue 17, items 6 and 7), end to end from outside: 200
 * users, a trigger holding out half its decisions, messages sent through the real Telegram client
 * to its fake server, users writing back, and the report's arms and lift.
 */
describe.each(BACKENDS)('holdouts and the engagement report, on %s', (backend) => {
  let t: TestServer;
  let telegram: FakeTelegramServer;

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, `${options.method} ${options.url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const at = () => t.clock.now().toISOString();
  const ingest = (events: Record<string, unknown>[]) =>
    ok({ method: 'POST', url: '/v1/events', payload: { events } });

  beforeEach(async () => {
    telegram = await startFakeTelegramServer({ token: TELEGRAM_TOKEN });
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
  });
  afterEach(async () => {
    await t.close();
    await telegram.close();
  });

  /** 200 users who wrote to Aria first, a ping for each, decided: the held-out users' ids. */
  async function holdOutHalf() {
    await ok({ method: 'PUT', url: '/v1/characters/aria', payload: { name: 'Aria' } });
    await ok({
      method: 'PUT',
      url: '/v1/characters/aria/channels/telegram',
      payload: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot },
    });
    await ok({ method: 'PUT', url: '/v1/policy', payload: OPEN_POLICY });
    await ok({ method: 'POST', url: '/v1/triggers', payload: { ...PING_TRIGGER, holdoutPercent: 50 } });
    for (let i = 0; i < USERS; i++)
      await ok({
        method: 'PATCH',
        url: `/v1/users/${userId(i)}`,
        payload: { timezone: 'Europe/Berlin', addresses: { telegram: String(5000 + i) } },
      });
    await ingest(
      Array.from({ length: USERS }, (_, i) => ({
        id: `hi-${i}`,
        kind: 'message_in',
        userId: userId(i),
        characterId: 'aria',
        at: at(),
        text: 'hi!',
      })),
    );
    t.clock.advance({ minutes: 31 }); // past the conversation
    await ingest(
      Array.from({ length: USERS }, (_, i) => ({
        id: `ping-${i}`,
        kind: 'custom',
        name: 'ping',
        userId: userId(i),
        characterId: 'aria',
        at: at(),
      })),
    );
    const swept = await t.server.engine.sweep();
    // the held-out decisions' rows, in one page (each user's decisions are checked below)
    const page = await ok({ method: 'GET', url: '/v1/suggestions?status=held_out&limit=500' });
    const held: string[] = page.suggestions.map((s: { userId: string }) => s.userId).sort();
    return { held, swept };
  }

  it('holds out about half the users of a 50% holdout, the same ones each time, and sends to the others', async () => {
    const { held, swept } = await holdOutHalf();
    // 100 expected, sd 7.07: 4.5 sd either way
    expect(held.length).toBeGreaterThanOrEqual(68);
    expect(held.length).toBeLessThanOrEqual(132);
    expect(swept.suggestions).toBe(USERS - held.length);

    // a held-out decision: its probability, its trace, no suggestion a caller sees
    const [decision] = (await ok({ method: 'GET', url: `/v1/decisions?userId=${held[0]}&action=held_out` }))
      .decisions;
    expect(decision).toMatchObject({ action: 'held_out', holdoutProbability: 0.5, suggestionId: null });
    expect(decision.trace.at(-1)).toMatchObject({
      check: 'holdout',
      passed: false,
      note: 'held_out',
      limit: 0.5,
    });
    expect(decision.trace.at(-1).value).toBeLessThan(0.5);
    expect((await ok({ method: 'GET', url: `/v1/suggestions?userId=${held[0]}` })).suggestions).toEqual([]);
    expect(decision.outcome).toMatchObject({ status: 'pending', repliedAt: null });

    // the others are sent, the held out never are, and nothing is decided again for their occasion
    expect((await t.server.engine.deliver()).sent).toBe(USERS - held.length);
    t.clock.advance({ minutes: 5 });
    expect((await t.server.engine.sweep()).suggestions).toBe(0);
    expect((await t.server.engine.deliver()).sent).toBe(0);
    const sentTo = new Set(telegram.delivered.map((m) => m.chatId));
    expect(sentTo.size).toBe(USERS - held.length);
    for (const u of held) expect(sentTo.has(String(5000 + Number(u.slice(1))))).toBe(false);

    // held-out decisions get outcomes too, measured from the decision: the first writes within the
    // window (replied), the second does not (ignored once the window has passed)
    await ingest([
      {
        id: 'held-back',
        kind: 'message_in',
        userId: held[0],
        characterId: 'aria',
        at: at(),
        text: 'hi again',
      },
    ]);
    t.clock.advance({ hours: 7 });
    const outcomeOf = async (u: string) =>
      (await ok({ method: 'GET', url: `/v1/decisions?userId=${u}&action=held_out` })).decisions[0].outcome;
    expect(await outcomeOf(held[0]!)).toMatchObject({
      status: 'replied',
      replyEventId: 'held-back',
      latencySeconds: 5 * 60,
    });
    expect(await outcomeOf(held[1]!)).toMatchObject({ status: 'ignored', repliedAt: null });

    // deterministic: a second run on a new database holds out the same users
    await t.close();
    await telegram.close();
    telegram = await startFakeTelegramServer({ token: TELEGRAM_TOKEN });
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    expect((await holdOutHalf()).held).toEqual(held);
  }, 120_000);

  it('reports returns within 72 h for both arms and a lift with its interval', async () => {
    const { held } = await holdOutHalf();
    const heldSet = new Set(held);
    expect((await t.server.engine.deliver()).sent).toBe(USERS - held.length);
    // a day later, users come back: 3 in 4 of those messaged, 1 in 4 of those held out
    t.clock.advance({ hours: 24 });
    const back = Array.from({ length: USERS }, (_, i) => userId(i)).filter((u, i) =>
      heldSet.has(u) ? i % 4 === 0 : i % 4 !== 0,
    );
    await ingest(
      back.map((u) => ({
        id: `back-${u}`,
        kind: 'message_in',
        userId: u,
        characterId: 'aria',
        at: at(),
        text: 'hey',
      })),
    );
    t.clock.advance({ hours: 49 }); // past 72 h after the messages
    const report = await ok({ method: 'GET', url: '/v1/reports/engagement?groupBy=trigger' });
    const group: Group = report.groups.find((g: Group) => g.key === 'ping');
    const sentUsers = USERS - held.length;
    const sentBack = back.filter((u) => !heldSet.has(u)).length;
    const heldBack = back.filter((u) => heldSet.has(u)).length;
    expect(group).toMatchObject({
      sent: sentUsers,
      delivered: sentUsers,
      replied: 0, // a day later: past the 6 h attribution window
      returns72h: {
        sent: { users: sentUsers, returned: sentBack },
        heldOut: { users: held.length, returned: heldBack },
      },
    });
    const lift = group.lift!;
    expect(lift.estimate).toBeCloseTo(sentBack / sentUsers - heldBack / held.length, 10);
    expect(lift.low).toBeLessThanOrEqual(lift.estimate);
    expect(lift.estimate).toBeLessThanOrEqual(lift.high);
    expect(lift.low).toBeGreaterThan(0); // about +0.5, well clear of 0 at these numbers
  }, 120_000);
});

describe.each(BACKENDS)('the engagement report of one message, on %s', (backend) => {
  it('counts a delivered check-in answered "aw thanks, yes she\'s doing better!" as replied, engaged, with a 👍', async () => {
    const pair = await startProactivePair(backend);
    try {
      expect(await pair.ping()).toBe(1);
      expect(await pair.deliver()).toBe(1);
      const [suggestion] = (await pair.ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=1' }))
        .suggestions;
      pair.t.clock.advance({ minutes: 12 });
      await pair.write("aw thanks, yes she's doing better!");
      await pair.ok({
        method: 'POST',
        url: '/v1/events',
        payload: {
          id: 'thumbs',
          kind: 'reaction',
          userId: 'maya',
          characterId: 'aria',
          at: pair.at(),
          emoji: '👍',
          suggestionId: suggestion.suggestionId,
        },
      });
      const report = await pair.ok({ method: 'GET', url: '/v1/reports/engagement?groupBy=character' });
      expect(report.groupBy).toBe('character');
      expect(report.groups).toEqual([
        expect.objectContaining({
          key: 'aria',
          sent: 1,
          delivered: 1,
          replied: 1,
          replyRate: 1,
          medianReplyLatencySeconds: 12 * 60,
          meanings: { engaged: 1, neutral: 0, not_now: 0, wrong_time: 0, annoyed: 0, stop: 0 },
          feedback: { positive: 1, negative: 0 },
          optOuts: 0,
          lift: null,
        }),
      ]);
      const metrics = await pair.t.request({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain('overture_outcomes_total{status="replied",meaning="engaged"} 1');
      // grouped by the topic's kind and the composer too
      for (const groupBy of ['composer', 'topicKind', 'day', 'hourOfWeek', 'trigger'])
        expect(
          (await pair.ok({ method: 'GET', url: `/v1/reports/engagement?groupBy=${groupBy}` })).groups.map(
            (g: Group) => g.replied,
          ),
        ).toEqual([1]);
    } finally {
      await pair.close();
    }
  });

  it('refuses a bad query naming the field and the rule', async () => {
    const t = await startTestServer(backend);
    try {
      const bad = async (query: string, path: string, rule: RegExp) => {
        const res = await t.request({ method: 'GET', url: `/v1/reports/engagement?${query}` });
        expect(res.status, query).toBe(400);
        expect(JSON.stringify(res.body)).toContain(path);
        expect(JSON.stringify(res.body)).toMatch(rule);
      };
      await bad('groupBy=week', 'groupBy', /must be one of trigger, character, day/);
      await bad('from=yesterday', 'from', /ISO 8601/);
      await bad('from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z', 'to', /after from/);
      await bad('from=2026-01-01T00:00:00Z&to=2026-11-22T00:00:00Z', 'to', /at most 92 days/);
      await bad('colour=red', 'colour', /./);
      const trigger = await t.request({
        method: 'POST',
        url: '/v1/triggers',
        payload: { ...PING_TRIGGER, holdoutPercent: 60 },
      });
      expect(trigger.status).toBe(400);
      expect(JSON.stringify(trigger.body)).toContain('holdoutPercent');
      expect(JSON.stringify(trigger.body)).toContain('must be <= 50');
    } finally {
      await t.close();
    }
  });
});
