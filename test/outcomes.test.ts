import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegramServer, startFakeTelegramServer } from '../src/testing/fake-telegram-server.js';
import { BACKENDS } from './helpers/backends.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { PING_TRIGGER } from './helpers/triggers.js';

const TELEGRAM_TOKEN = '123456:telegram-test-token';
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');
const PAIR = { userId: 'maya', characterId: 'aria' };
const MINUTE = 60_000;

/**
 * Outcomes end to end (issue 17, item 1): messages decided, drafted and sent through the real
 * Telegram client to its fake server, replies ingested through the API in every order, and each
 * message's outcome as the suggestion shows it.
 */
describe.each(BACKENDS)('the outcome of a proactive message, on %s', (backend) => {
  let t: TestServer;
  let telegram: FakeTelegramServer;
  let pings = 0;
  let events = 0;

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, `${options.method} ${options.url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const at = (offsetMs = 0) => new Date(t.clock.now().getTime() + offsetMs).toISOString();
  /** Maya writes to Aria; `id` fixed to send the same event twice. */
  const reply = (atIso: string, id = `in-${++events}`, text = 'hello!') =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: { id, kind: 'message_in', ...PAIR, at: atIso, text },
    });

  /** A `ping` for Maya decided and drafted, not sent yet. */
  const ping = async () => {
    t.clock.advance({ minutes: 31 }); // past the conversation
    pings++;
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: { id: `ping-${pings}`, kind: 'custom', name: 'ping', ...PAIR, at: at() },
    });
    expect((await t.server.engine.sweep()).suggestions).toBe(1);
  };
  /** Sends what is approved: the latest suggestion's id and when it was sent. */
  const send = async () => {
    const sentAt = t.clock.now();
    expect((await t.server.engine.deliver()).sent).toBe(1);
    const list = await ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=1' });
    return { suggestionId: list.suggestions[0].suggestionId as string, sentAt };
  };
  const pingAndSend = async () => {
    await ping();
    return send();
  };
  const outcomeOf = async (suggestionId: string) =>
    (await ok({ method: 'GET', url: `/v1/suggestions/${suggestionId}` })).outcome;

  beforeEach(async () => {
    telegram = await startFakeTelegramServer({ token: TELEGRAM_TOKEN });
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    pings = 0;
    events = 0;
    await ok({ method: 'PUT', url: '/v1/characters/aria', payload: { name: 'Aria' } });
    await ok({
      method: 'PUT',
      url: '/v1/characters/aria/channels/telegram',
      payload: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot },
    });
    await ok({ method: 'PUT', url: '/v1/policy', payload: OPEN_POLICY });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: PING_TRIGGER,
    });
    await ok({
      method: 'PATCH',
      url: '/v1/users/maya',
      payload: { timezone: 'Europe/Berlin', addresses: { telegram: '4242' } },
    });
    await reply(at()); // she wrote first
  });
  afterEach(async () => {
    await t.close();
    await telegram.close();
  });

  it('is pending until the window ends, then ignored; a reply within it makes it replied, with the latency', async () => {
    const seen: unknown[] = [];
    const off = t.server.engine.forTenant('default').stream.subscribe((event) => {
      if (event.type === 'outcome.recorded') seen.push(event.data);
    });
    const first = await pingAndSend();
    expect(await outcomeOf(first.suggestionId)).toEqual({
      status: 'pending',
      sentAt: first.sentAt.toISOString(),
      windowEndsAt: new Date(first.sentAt.getTime() + 360 * MINUTE).toISOString(),
      repliedAt: null,
      replyEventId: null,
      latencySeconds: null,
      meaning: null,
      feedback: null,
    });
    t.clock.advance({ hours: 6 });
    expect(await outcomeOf(first.suggestionId)).toMatchObject({ status: 'ignored', repliedAt: null });

    const second = await pingAndSend();
    t.clock.advance({ minutes: 12 });
    await reply(at(), 'thanks', "aw thanks, yes she's doing better!");
    const outcome = await outcomeOf(second.suggestionId);
    expect(outcome).toMatchObject({
      status: 'replied',
      repliedAt: at(),
      replyEventId: 'thanks',
      latencySeconds: 12 * 60,
      meaning: 'engaged',
    });
    // announced on the stream: the first as ignored once the scheduler saw its window pass (the
    // sweep before the second was decided), the second once, when the reply came
    off();
    const firstDetail = await ok({ method: 'GET', url: `/v1/suggestions/${first.suggestionId}` });
    const detail = await ok({ method: 'GET', url: `/v1/suggestions/${second.suggestionId}` });
    expect(seen).toEqual([
      {
        tenantId: 'default',
        outcomeId: firstDetail.deliveries[0].deliveryId,
        suggestionId: first.suggestionId,
        ...PAIR,
        status: 'ignored',
        repliedAt: null,
        replyEventId: null,
        latencySeconds: null,
        meaning: null,
      },
      {
        tenantId: 'default',
        outcomeId: detail.deliveries[0].deliveryId,
        suggestionId: second.suggestionId,
        ...PAIR,
        status: 'replied',
        repliedAt: at(),
        replyEventId: 'thanks',
        latencySeconds: 12 * 60,
        meaning: 'engaged',
      },
    ]);
    // the list shows the same
    const list = await ok({ method: 'GET', url: '/v1/suggestions?userId=maya' });
    expect(list.suggestions.map((s: { outcome: { status: string } }) => s.outcome.status)).toEqual([
      'replied',
      'ignored',
    ]);
    // nothing that was not sent has an outcome
    expect((await ok({ method: 'GET', url: '/v1/suggestions?status=pending' })).suggestions).toEqual([]);
  });

  it('takes a reply stored before its message was recorded (bots race), and the earliest of replies sent late and out of order', async () => {
    // the bot reports her answer (timed just after the send) before the delivery is recorded; the
    // send-time gate would see her writing and wait, as it should, so it is told not to here
    await ok({ method: 'PUT', url: '/v1/policy', payload: { ...OPEN_POLICY, midConversationMinutes: 0 } });
    await ping();
    await reply(at(2 * MINUTE), 'raced');
    const first = await send();
    expect(await outcomeOf(first.suggestionId)).toMatchObject({
      status: 'replied',
      replyEventId: 'raced',
      latencySeconds: 120,
    });

    const second = await pingAndSend();
    t.clock.advance({ minutes: 30 });
    // a later message arrives first, then an earlier one, then the earlier one again
    await reply(at(), 'later', 'haha yes, tell me more about it');
    expect(await outcomeOf(second.suggestionId)).toMatchObject({ replyEventId: 'later', meaning: 'engaged' });
    await reply(at(-20 * MINUTE), 'earlier', 'please stop messaging me');
    await reply(at(-20 * MINUTE), 'earlier', 'please stop messaging me');
    expect(await outcomeOf(second.suggestionId)).toMatchObject({
      status: 'replied',
      replyEventId: 'earlier',
      latencySeconds: 10 * 60,
      meaning: 'stop',
    });
  });

  it('gives a reply to the latest message sent before it; the earlier one is ignored once its window ends', async () => {
    const first = await pingAndSend();
    const second = await pingAndSend();
    t.clock.advance({ minutes: 5 });
    await reply(at(), 'answer');
    expect(await outcomeOf(second.suggestionId)).toMatchObject({ status: 'replied', replyEventId: 'answer' });
    expect(await outcomeOf(first.suggestionId)).toMatchObject({ status: 'pending', replyEventId: null });
    t.clock.advance({ hours: 6 });
    expect(await outcomeOf(first.suggestionId)).toMatchObject({ status: 'ignored' });

    // a reply timed between the two, arriving now, answers the first instead
    await reply(new Date(second.sentAt.getTime() - MINUTE).toISOString(), 'between');
    expect(await outcomeOf(first.suggestionId)).toMatchObject({ status: 'replied', replyEventId: 'between' });
    expect(await outcomeOf(second.suggestionId)).toMatchObject({ replyEventId: 'answer' });
  });

  it("keeps the pair's span of outcomes, from its first message to the end of its last window, and finds replies only inside it", async () => {
    const spanOf = () =>
      t.server.engine.database.db
        .selectFrom('user_characters')
        .select(['outcomes_from', 'outcomes_until'])
        .where('user_id', '=', 'maya')
        .where('character_id', '=', 'aria')
        .executeTakeFirstOrThrow();
    expect(await spanOf()).toEqual({ outcomes_from: null, outcomes_until: null });
    const first = await pingAndSend();
    const second = await pingAndSend();
    expect(await spanOf()).toEqual({
      outcomes_from: first.sentAt,
      outcomes_until: new Date(second.sentAt.getTime() + 6 * 60 * MINUTE),
    });
    // before the first message and after the last window: no reply; inside: the reply, late or not
    await reply(new Date(first.sentAt.getTime() - MINUTE).toISOString(), 'before');
    t.clock.advance({ hours: 7 });
    await reply(at(), 'after');
    expect(await outcomeOf(first.suggestionId)).toMatchObject({ status: 'ignored' });
    expect(await outcomeOf(second.suggestionId)).toMatchObject({ status: 'ignored' });
    await reply(new Date(second.sentAt.getTime() + MINUTE).toISOString(), 'late');
    expect(await outcomeOf(second.suggestionId)).toMatchObject({ status: 'replied', replyEventId: 'late' });
  });

  it("counts only replies within the tenant's attribution window, and only from that character's user", async () => {
    await ok({ method: 'PUT', url: '/v1/policy', payload: { ...OPEN_POLICY, attributionWindowMinutes: 60 } });
    const policy = await ok({ method: 'GET', url: '/v1/policy' });
    expect(policy.attributionWindowMinutes).toBe(60);
    const sent = await pingAndSend();
    // another character, another user, and a message of the bot's own do not answer it
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          { id: 'to-nova', kind: 'message_in', userId: 'maya', characterId: 'nova', at: at(MINUTE) },
          { id: 'from-leo', kind: 'message_in', userId: 'leo', characterId: 'aria', at: at(MINUTE) },
          { id: 'bot-says', kind: 'message_out', ...PAIR, at: at(MINUTE), text: 'and another thing' },
        ],
      },
    });
    t.clock.advance({ minutes: 90 });
    await reply(at(), 'too-late');
    expect(await outcomeOf(sent.suggestionId)).toMatchObject({
      status: 'ignored',
      windowEndsAt: new Date(sent.sentAt.getTime() + 60 * MINUTE).toISOString(),
    });

    const refused = await t.request({
      method: 'PUT',
      url: '/v1/policy',
      payload: { ...OPEN_POLICY, attributionWindowMinutes: 0 },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toMatchObject([{ path: 'attributionWindowMinutes' }]);
  });

  it("shows the latest feedback or reaction that names the message, by suggestion id or by the platform's message id, whenever it arrived", async () => {
    await ping();
    const pending = (await ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=1' })).suggestions[0];
    // a thumbs up that the bot reports before the delivery is recorded (it raced)
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'thumb',
        kind: 'reaction',
        ...PAIR,
        at: at(),
        suggestionId: pending.suggestionId,
        emoji: '👍🏽',
      },
    });
    const sent = await send();
    expect(sent.suggestionId).toBe(pending.suggestionId);
    expect((await outcomeOf(sent.suggestionId)).feedback).toEqual({
      eventId: 'thumb',
      at: at(),
      score: 1,
      emoji: '👍🏽',
      text: null,
    });
    // later, a written feedback naming the Telegram message the delivery sent
    const detail = await ok({ method: 'GET', url: `/v1/suggestions/${sent.suggestionId}` });
    const externalId = detail.deliveries[0].externalId;
    expect(externalId).toEqual(expect.any(String));
    t.clock.advance({ minutes: 3 });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'words',
        kind: 'feedback',
        ...PAIR,
        at: at(),
        externalId,
        score: -0.5,
        text: 'a bit much',
      },
    });
    expect((await outcomeOf(sent.suggestionId)).feedback).toEqual({
      eventId: 'words',
      at: at(),
      score: -0.5,
      emoji: null,
      text: 'a bit much',
    });
    // feedback is not a reply
    expect(await outcomeOf(sent.suggestionId)).toMatchObject({ status: 'pending', repliedAt: null });
  });

  it('refuses feedback fields out of range or on other kinds of event, naming the field and the rule', async () => {
    const refused = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          { id: 'f1', kind: 'feedback', ...PAIR, at: at(), suggestionId: 'sug_x', score: 2 },
          { id: 'f2', kind: 'message_in', ...PAIR, at: at(), suggestionId: 'sug_x', emoji: '👍' },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toEqual([
      { path: 'events[0].score', index: 0, field: 'score', rule: 'must be from -1 to 1' },
      {
        path: 'events[1].suggestionId',
        index: 1,
        field: 'suggestionId',
        rule: 'is only allowed when kind is "feedback" or "reaction"',
      },
      {
        path: 'events[1].emoji',
        index: 1,
        field: 'emoji',
        rule: 'is only allowed when kind is "feedback" or "reaction"',
      },
    ]);
  });
});
