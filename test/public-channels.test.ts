import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDiscordServer, startFakeDiscordServer } from '../src/testing/fake-discord-server.js';
import type { FakeModelServer } from '../src/testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { type FakeTelegramServer, startFakeTelegramServer } from '../src/testing/fake-telegram-server.js';
import { BACKENDS } from './helpers/backends.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { PING_TRIGGER } from './helpers/triggers.js';

const SECRET_KEY = randomBytes(32).toString('base64');
const TELEGRAM_TOKEN = '123456:telegram-test-token';
const DISCORD_TOKEN = 'discord-test-token';
/** A Discord server channel where Aria talks with everyone, and Maya's own Discord user id. */
const GUILD_CHANNEL = '900000000000000001';
const MAYA_DISCORD = '800000000000000001';

const SENSITIVE = {
  text: 'Her divorce hearing is on Friday',
  mention: 'your divorce hearing',
  salience: 0.95,
};
const HARMLESS = {
  text: 'She is training for a half marathon',
  mention: 'your half marathon training',
  salience: 0.4,
};

/**
 * Public channels end to end: through the API, the sweep, the drafter and the real Discord and
 * Telegram adapters against their fake servers. A message for a shared place never uses or
 * hints at what the user keeps private, and a private chat is taken when one is reachable.
 */
describe.each(BACKENDS)('public channels on %s', (backend) => {
  let t: TestServer;
  let discord: FakeDiscordServer;
  let telegram: FakeTelegramServer;
  let pings = 0;

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, `${options.method} ${options.url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  beforeEach(async () => {
    discord = await startFakeDiscordServer({ token: DISCORD_TOKEN, guildChannels: [GUILD_CHANNEL] });
    telegram = await startFakeTelegramServer({ token: TELEGRAM_TOKEN });
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    pings = 0;
    await ok({ method: 'PUT', url: '/v1/characters/aria', payload: { name: 'Aria' } });
    await ok({
      method: 'PUT',
      url: '/v1/characters/aria/channels/discord',
      payload: { token: DISCORD_TOKEN, apiBase: discord.apiBase },
    });
    await ok({
      method: 'PUT',
      url: '/v1/characters/aria/channels/telegram',
      payload: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot },
    });
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      payload: OPEN_POLICY,
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: PING_TRIGGER,
    });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { timezone: 'Europe/Berlin' } });
    // she wrote first (the policy's default asks for it)
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'hello',
        kind: 'message_in',
        userId: 'maya',
        characterId: 'aria',
        at: t.clock.now().toISOString(),
        text: 'hi',
      },
    });
    await ok({ method: 'POST', url: '/v1/users/maya/facts', payload: { ...SENSITIVE, sensitive: true } });
    await ok({ method: 'POST', url: '/v1/users/maya/facts', payload: HARMLESS });
  });
  afterEach(async () => {
    await t.close();
    await discord.close();
    await telegram.close();
  });

  /** A `ping` for Maya decided, drafted and delivered: the suggestion as the API shows it. */
  const pingAndDeliver = async () => {
    t.clock.advance({ minutes: 31 });
    pings++;
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `ping-${pings}`,
        kind: 'custom',
        name: 'ping',
        userId: 'maya',
        characterId: 'aria',
        at: t.clock.now().toISOString(),
      },
    });
    expect((await t.server.engine.sweep()).suggestions).toBe(1);
    await t.server.engine.deliver();
    const list = await ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=1' });
    return ok({ method: 'GET', url: `/v1/suggestions/${list.suggestions[0].suggestionId}` });
  };

  it('writes about something others may read in a server channel, and posts there without a DM', async () => {
    await ok({
      method: 'PATCH',
      url: '/v1/users/maya',
      payload: { addresses: { discord: { address: GUILD_CHANNEL, public: true } } },
    });
    const user = await ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user.addresses).toEqual({ discord: GUILD_CHANNEL });
    expect(user.addressAudiences).toEqual({ discord: 'public' });

    const sent = await pingAndDeliver();
    expect(sent.status, JSON.stringify(sent)).toBe('sent');
    expect(sent.topic.text).toBe(HARMLESS.text);
    expect(sent.text).toContain(HARMLESS.mention);
    expect(sent.text.toLowerCase()).not.toContain('divorce');
    expect(sent.deliveries).toMatchObject([
      { channel: 'discord', address: GUILD_CHANNEL, audience: 'public' },
    ]);
    // posted in the server channel as it is: no direct message was opened
    expect(discord.requests.map((r) => r.route)).toEqual(['createMessage']);
    expect(discord.delivered).toMatchObject([
      { channelId: GUILD_CHANNEL, recipientId: null, content: sent.text },
    ]);
  });

  it('takes the private chat when one is reachable, even over a public channel the user prefers', async () => {
    await ok({
      method: 'PATCH',
      url: '/v1/users/maya',
      payload: {
        addresses: { discord: { address: GUILD_CHANNEL, public: true }, telegram: '4242' },
        preferredChannel: 'discord',
      },
    });
    const sent = await pingAndDeliver();
    expect(sent.status, JSON.stringify(sent)).toBe('sent');
    expect(sent.deliveries).toMatchObject([{ channel: 'telegram', address: '4242', audience: 'private' }]);
    // in her own chat the most salient thing may come up, sensitive or not
    expect(sent.topic.text).toBe(SENSITIVE.text);
    expect(telegram.delivered).toHaveLength(1);
    expect(discord.delivered).toHaveLength(0);
  });

  it("makes a plain address public by the character's default, and the user's own word overrides it", async () => {
    await ok({
      method: 'PUT',
      url: '/v1/characters/aria',
      payload: { name: 'Aria', defaults: { publicChannels: ['discord'] } },
    });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { discord: GUILD_CHANNEL } } });
    const inPublic = await pingAndDeliver();
    expect(inPublic.deliveries).toMatchObject([{ channel: 'discord', audience: 'public' }]);
    expect(inPublic.topic.text).toBe(HARMLESS.text);

    // her address is her own user id, a private chat: Discord opens the DM and the topic is free
    await ok({
      method: 'PATCH',
      url: '/v1/users/maya',
      payload: { addresses: { discord: { address: MAYA_DISCORD, public: false } } },
    });
    const inPrivate = await pingAndDeliver();
    expect(inPrivate.status, JSON.stringify(inPrivate)).toBe('sent');
    expect(inPrivate.deliveries).toMatchObject([
      { channel: 'discord', address: MAYA_DISCORD, audience: 'private' },
    ]);
    expect(inPrivate.topic.text).toBe(SENSITIVE.text);
    expect(discord.delivered.at(-1)).toMatchObject({ recipientId: MAYA_DISCORD });
  });

  it('never sends a text written for a private chat to a public place it was not written for', async () => {
    // drafted for her telegram chat, held for approval
    await ok({
      method: 'PATCH',
      url: '/v1/triggers/ping',
      payload: { approval: 'suggest' },
    });
    await ok({
      method: 'PATCH',
      url: '/v1/users/maya',
      payload: { addresses: { telegram: '4242', discord: { address: GUILD_CHANNEL, public: true } } },
    });
    const pending = await pingAndDeliver();
    expect(pending.status).toBe('pending');
    expect(pending.text).toContain(SENSITIVE.mention);
    // then her telegram chat goes away: only the server channel is left
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { telegram: null } } });
    const refused = await t.request({
      method: 'POST',
      url: `/v1/suggestions/${pending.suggestionId}/approve`,
      payload: {},
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('written for a private chat');
    expect(discord.delivered).toHaveLength(0);
  });

  describe('with a language model', () => {
    let model: FakeModelServer | undefined;
    afterEach(() => model?.close());

    it('gives it nothing sensitive, tells it others read the channel, and refuses a hint it slips in', async () => {
      // the model brings up the divorce anyway: the guardrail refuses it and the template writes
      model = await startFakeOpenAiServer({
        otherwise: () => ({
          object: { message: 'How are you holding up before the divorce hearing?', topicId: null },
        }),
      });
      await ok({
        method: 'PUT',
        url: '/v1/llm-provider',
        payload: { kind: 'openai-compatible', baseUrl: model.url, model: 'fake' },
      });
      await ok({
        method: 'PATCH',
        url: '/v1/users/maya',
        payload: { addresses: { discord: { address: GUILD_CHANNEL, public: true } } },
      });
      const sent = await pingAndDeliver();
      expect(sent.status, JSON.stringify(sent)).toBe('sent');
      const prompt = JSON.stringify(model.requests.map((r) => r.body));
      expect(prompt).toContain('Others can read this channel');
      expect(prompt).not.toContain('divorce');
      expect(sent.composer).toBe('template');
      expect(sent.composition.fallback).toMatchObject({ reason: 'guardrail' });
      expect(JSON.stringify(sent.composition.fallback.violations)).toContain('sensitive_in_public');
      expect(sent.text.toLowerCase()).not.toContain('divorce');
      expect(discord.delivered).toMatchObject([{ channelId: GUILD_CHANNEL, content: sent.text }]);
    });
  });
});
