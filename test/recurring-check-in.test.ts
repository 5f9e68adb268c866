import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const TOKEN = '123456:telegram-test-token';
const SECRET_KEY = randomBytes(32).toString('base64');

/**
 * The built-in check-ins recur: a user of whom nothing is known gets the template's plain
 * phrasings, and a check-in's own phrasing may come back, so none is dismissed for want of an
 * opener. 2026-11-23 is a Monday; Chicago is UTC-6 (09:00 local is 15:00Z).
 */
describe.each(BACKENDS)('a recurring check-in for a user without facts, on %s', (backend) => {
  let t: TestServer;
  let channels: RecordingChannel;
  beforeEach(async () => {
    channels = new RecordingChannel();
    t = await startTestServer(backend, { secretKey: SECRET_KEY }, { channels: channels.factory });
    t.clock.set('2026-11-22T16:00:00Z');
  });
  afterEach(async () => {
    await t.close();
  });

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const db = () => t.server.engine.database.db;
  const say = (characterId: string, text = 'morning!') =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `m-${characterId}-${t.clock.now().toISOString()}`,
        kind: 'message_in',
        userId: 'sam',
        characterId,
        at: t.clock.now().toISOString(),
        text,
      },
    });
  const suggestions = async () =>
    (
      await sql<{
        character_id: string;
        trigger_id: string;
        status: string;
        text: string | null;
        reason: string;
      }>`
        select character_id, trigger_id, status, text, status_reason as reason from suggestions
        order by created_at, character_id`.execute(db())
    ).rows;

  async function standupFor(characters: string[]) {
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      // generous caps and backoff: this is about the opener, not about how often
      payload: {
        allowProactive: true,
        userCaps: { perDay: 10, perWeek: 50 },
        characterCaps: { perDay: 10, perWeek: 50 },
        minGapMinutes: 0,
        backoffAfterUnanswered: 100,
      },
    });
    for (const characterId of characters) {
      await ok({ method: 'PUT', url: `/v1/characters/${characterId}`, payload: { name: characterId } });
      await ok({
        method: 'PUT',
        url: `/v1/characters/${characterId}/channels/telegram`,
        payload: { token: TOKEN },
      });
      await say(characterId, 'hi');
    }
    await ok({
      method: 'PATCH',
      url: '/v1/users/sam',
      payload: { timezone: 'America/Chicago', addresses: { telegram: '42' } },
    });
    await ok({ method: 'POST', url: '/v1/triggers/daily-standup/enable' });
    await t.server.engine.sweep();
  }

  it('reaches the user on five weekdays running, in five messages', async () => {
    await standupFor(['luna']);
    for (const day of ['23', '24', '25', '26', '27']) {
      t.clock.set(`2026-11-${day}T15:00:00Z`);
      await t.server.engine.sweep();
      await t.server.engine.deliver();
      // the user answers later that morning, as one does to a stand-up
      t.clock.set(`2026-11-${day}T15:30:00Z`);
      await say('luna');
    }
    const made = await suggestions();
    expect(made.map((s) => [s.trigger_id, s.status, s.reason])).toEqual(
      Array.from({ length: 5 }, () => ['daily-standup', 'sent', null]),
    );
    expect(channels.delivered.map((c) => c.text)).toEqual(made.map((s) => s.text));
    // while there are phrasings it has not used, it does not say the same thing twice running
    const texts = made.map((s) => s.text!);
    for (let i = 1; i < texts.length; i++) expect(texts[i]).not.toBe(texts[i - 1]);
  });

  it('reaches the user from two characters on the same day', async () => {
    await standupFor(['luna']);
    // the built-in cooldown (12 h, per user) lets one character through a day; without it both speak
    await ok({ method: 'PATCH', url: '/v1/triggers/daily-standup', payload: { cooldownMinutes: 0 } });
    t.clock.set('2026-11-23T15:00:00Z');
    await t.server.engine.sweep();
    // Sam first writes to Max a little later: Max's stand-up is decided and written after Luna's
    t.clock.set('2026-11-23T15:10:00Z');
    await ok({ method: 'PUT', url: '/v1/characters/max', payload: { name: 'Max' } });
    await ok({ method: 'PUT', url: '/v1/characters/max/channels/telegram', payload: { token: TOKEN } });
    await say('max', 'hello Max');
    t.clock.set('2026-11-23T15:45:00Z'); // past the mid-conversation wait
    await t.server.engine.sweep();
    await t.server.engine.deliver();
    const made = await suggestions();
    expect(made.map((s) => [s.character_id, s.status, s.reason])).toEqual([
      ['luna', 'sent', null],
      ['max', 'sent', null],
    ]);
    expect(channels.delivered).toHaveLength(2);
    expect(made[0]!.text).not.toBe(made[1]!.text);
  });

  it('has the Friday review say something else than the stand-ups it follows, and still speak', async () => {
    await standupFor(['luna']);
    await ok({ method: 'POST', url: '/v1/triggers/weekly-review/enable' });
    for (const day of ['23', '24', '25', '26', '27']) {
      t.clock.set(`2026-11-${day}T15:00:00Z`);
      await t.server.engine.sweep();
      await t.server.engine.deliver();
      t.clock.set(`2026-11-${day}T15:30:00Z`);
      await say('luna');
    }
    // Friday 17:00 in Chicago: the review, of the same kind as the stand-up (a schedule)
    t.clock.set('2026-11-27T23:00:00Z');
    await t.server.engine.sweep();
    await t.server.engine.deliver();
    const made = await suggestions();
    expect(made.map((s) => [s.trigger_id, s.status])).toEqual([
      ...Array.from({ length: 5 }, () => ['daily-standup', 'sent']),
      ['weekly-review', 'sent'],
    ]);
    const review = made.at(-1)!.text!.toLowerCase();
    for (const standup of made.slice(0, 5)) expect(review).not.toBe(standup.text!.toLowerCase());
  });
});
