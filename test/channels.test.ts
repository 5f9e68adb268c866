import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscordServer } from '../src/testing/fake-discord-server.js';
import { startFakeSlackServer } from '../src/testing/fake-slack-server.js';
import { startFakeTelegramServer, telegramReplies } from '../src/testing/fake-telegram-server.js';
import { startFakeWebhookReceiver } from '../src/testing/fake-webhook-receiver.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = randomBytes(32).toString('base64');
const TOKEN = '123456:ABC-telegram-token';

describe.each(BACKENDS)('channels on %s', (backend) => {
  let t: TestServer;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await t.close();
  });

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const start = async (config: object = { secretKey: SECRET_KEY }) => {
    t = await startTestServer(backend, config);
    await ok({ method: 'PUT', url: '/v1/characters/luna', payload: { name: 'Luna' } });
  };
  const put = (channel: string, payload: unknown) =>
    t.request({ method: 'PUT', url: `/v1/characters/luna/channels/${channel}`, payload: payload as object });

  describe('settings', () => {
    it('refuses a body of null with 400 and keeps the settings, where no body at all means none', async () => {
      await start();
      await ok({
        method: 'PUT',
        url: '/v1/characters/luna/channels/telegram',
        payload: { token: TOKEN, apiRoot: 'http://127.0.0.1:8081' },
      });
      const refused = await t.request({
        method: 'PUT',
        url: '/v1/characters/luna/channels/telegram',
        headers: { 'content-type': 'application/json' },
        payload: 'null',
      });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.error.issues).toEqual([{ path: 'body', rule: 'must be an object' }]);
      const kept = await ok({ method: 'GET', url: '/v1/characters/luna/channels/telegram' });
      expect(kept.settings).toEqual({ apiRoot: 'http://127.0.0.1:8081' });
      // a stream channel has no required field: a PUT without a body configures it
      const bare = await t.request({ method: 'PUT', url: '/v1/characters/luna/channels/stream' });
      expect(bare.status, JSON.stringify(bare.body)).toBe(201);
    });

    it('stores a token sealed, never shows it, and keeps it when a PUT leaves it out', async () => {
      await start();
      const created = await put('telegram', { token: TOKEN, apiRoot: 'http://127.0.0.1:8081' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        characterId: 'luna',
        channel: 'telegram',
        settings: { apiRoot: 'http://127.0.0.1:8081' },
        hasSecret: true,
      });
      const changed = await put('telegram', { apiRoot: 'http://127.0.0.1:8082' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ settings: { apiRoot: 'http://127.0.0.1:8082' }, hasSecret: true });
      const row = await t.server.engine.database.db
        .selectFrom('channel_settings')
        .select(['secret_sealed', 'settings'])
        .executeTakeFirstOrThrow();
      expect(row.secret_sealed).toMatch(/^v1\./);
      expect(row.secret_sealed).not.toContain(TOKEN);
      for (const url of [
        '/v1/characters/luna/channels/telegram',
        '/v1/characters/luna/channels',
        '/v1/audit',
      ])
        expect(JSON.stringify((await ok({ method: 'GET', url })) as object)).not.toContain(TOKEN);
      const audit = await ok({ method: 'GET', url: '/v1/audit' });
      expect(
        audit.entries
          .slice(-2)
          .map((e: { action: string; detail: { secretChanged: boolean } }) => [
            e.action,
            e.detail.secretChanged,
          ]),
      ).toEqual([
        ['channel.created', true],
        ['channel.updated', false],
      ]);
    });

    it('refuses bad settings naming the field and the rule, and stores nothing', async () => {
      await start();
      const cases: [string, unknown, string][] = [
        ['telegram', {}, 'token: is required'],
        ['telegram', { token: 'short' }, 'token must be at least 8 characters'],
        ['telegram', { token: TOKEN, apiRoot: 'ftp://x' }, 'apiRoot must be an http: or https: URL'],
        ['discord', { token: TOKEN, apiRoot: 'http://x' }, 'apiRoot is not a known field'],
        ['webhook', { url: 'http://127.0.0.1:9/hook' }, 'secret: is required'],
        ['webhook', { secret: 'a-secret-of-sixteen' }, 'url is required'],
        ['stream', { reportWithinMinutes: 0 }, 'reportWithinMinutes must be at least 1'],
        // the outbound rules, for a literal address (a name is checked when called, after DNS)
        [
          'webhook',
          { url: 'http://169.254.169.254/latest/meta-data', secret: 'a-secret-of-sixteen' },
          'url: outbound call refused: 169.254.169.254 is a link-local address (169.254.0.0/16), which is never called',
        ],
        [
          'slack',
          { token: TOKEN, apiUrl: 'http://[fd00:ec2::254]/api/' },
          'apiUrl: outbound call refused: fd00:ec2::254 is a cloud metadata (AWS) address',
        ],
        ['pigeon', {}, 'channel must be one of telegram, discord, slack, webhook, stream'],
      ];
      for (const [channel, payload, rule] of cases) {
        const res = await put(channel, payload);
        expect(res.status, `${channel} ${JSON.stringify(payload)}`).toBe(400);
        expect(res.body.error.message).toContain(rule);
      }
      expect(await ok({ method: 'GET', url: '/v1/characters/luna/channels' })).toEqual({ channels: [] });
      expect((await put('telegram', { token: TOKEN })).status).toBe(201);
      expect(
        (await t.request({ method: 'PUT', url: '/v1/characters/ghost/channels/stream', payload: {} })).status,
      ).toBe(404);
    });

    it('refuses a secret without OVERTURE_SECRET_KEY (409 naming it), and takes the stream without one', async () => {
      await start({});
      const res = await put('slack', { token: 'xoxb-0123456789' });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(
        'token: cannot be stored: this server has no OVERTURE_SECRET_KEY',
      );
      expect((await put('stream', {})).body).toMatchObject({
        settings: { reportWithinMinutes: 10 },
        hasSecret: false,
      });
    });

    it('lists and removes channels', async () => {
      await start();
      await put('telegram', { token: TOKEN });
      await put('stream', {});
      const list = await ok({ method: 'GET', url: '/v1/characters/luna/channels' });
      expect(list.channels.map((c: { channel: string }) => c.channel)).toEqual(['stream', 'telegram']);
      expect(
        (await t.request({ method: 'DELETE', url: '/v1/characters/luna/channels/telegram' })).status,
      ).toBe(204);
      expect((await t.request({ method: 'GET', url: '/v1/characters/luna/channels/telegram' })).status).toBe(
        404,
      );
      expect(
        (await t.request({ method: 'DELETE', url: '/v1/characters/luna/channels/telegram' })).status,
      ).toBe(404);
    });
  });

  describe('sending through the real client libraries to fake platform servers', () => {
    const sendOne = async (channel: string, settings: object, address: string) => {
      await start();
      await ok({ method: 'PUT', url: `/v1/characters/luna/channels/${channel}`, payload: settings });
      await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { [channel]: address } } });
      await ok({
        method: 'PUT',
        url: '/v1/policy',
        payload: { allowProactive: true, quietHours: null, minGapMinutes: 0, midConversationMinutes: 0 },
      });
      await ok({
        method: 'POST',
        url: '/v1/events',
        payload: {
          id: 'hi',
          kind: 'message_in',
          userId: 'maya',
          characterId: 'luna',
          at: t.clock.now().toISOString(),
        },
      });
      await ok({
        method: 'POST',
        url: '/v1/triggers',
        payload: { id: 'hand', name: 'By hand', spec: { kind: 'event', event: 'x' } },
      });
      await ok({
        method: 'POST',
        url: '/v1/triggers/hand/fire',
        payload: { userId: 'maya', characterId: 'luna' },
      });
      await t.server.engine.sweep();
      const result = await t.server.engine.deliver();
      const [s] = (await ok({ method: 'GET', url: '/v1/suggestions?userId=maya' })).suggestions;
      return { result, suggestion: await ok({ method: 'GET', url: `/v1/suggestions/${s.suggestionId}` }) };
    };

    it('telegram: grammY sendMessage to the chat id', async () => {
      const fake = await startFakeTelegramServer({ token: TOKEN });
      closers.push(() => fake.close());
      const { suggestion } = await sendOne('telegram', { token: TOKEN, apiRoot: fake.apiRoot }, '4242');
      expect(fake.delivered).toEqual([expect.objectContaining({ chatId: '4242', text: suggestion.text })]);
      expect(suggestion.deliveries[0]).toMatchObject({
        status: 'sent',
        externalId: String(fake.delivered[0]!.messageId),
      });
    });

    it('telegram: a blocked bot fails at once and marks the chat unreachable', async () => {
      const fake = await startFakeTelegramServer({ token: TOKEN });
      closers.push(() => fake.close());
      fake.script(telegramReplies.blocked());
      const { suggestion } = await sendOne('telegram', { token: TOKEN, apiRoot: fake.apiRoot }, '4242');
      expect(suggestion).toMatchObject({ status: 'failed' });
      expect(suggestion.statusReason).toContain('blocked');
      expect((await ok({ method: 'GET', url: '/v1/users/maya' })).unreachable).toMatchObject([
        { channel: 'telegram', address: '4242' },
      ]);
    });

    it('discord: @discordjs/rest opens the DM channel and posts with a nonce', async () => {
      const fake = await startFakeDiscordServer({ token: 'discord-bot-token' });
      closers.push(() => fake.close());
      const { suggestion } = await sendOne(
        'discord',
        { token: 'discord-bot-token', apiBase: fake.apiBase },
        '80351110224678912',
      );
      expect(fake.delivered).toEqual([
        expect.objectContaining({ recipientId: '80351110224678912', content: suggestion.text }),
      ]);
      expect(fake.delivered[0]!.nonce).toMatch(/^.{1,25}$/);
      expect(suggestion.deliveries[0].status).toBe('sent');
    });

    it('slack: @slack/web-api opens the conversation and posts', async () => {
      const fake = await startFakeSlackServer({ token: 'xoxb-slack-token' });
      closers.push(() => fake.close());
      const { suggestion } = await sendOne(
        'slack',
        { token: 'xoxb-slack-token', apiUrl: fake.apiUrl },
        'U024BE7LH',
      );
      expect(fake.delivered).toEqual([
        expect.objectContaining({ userId: 'U024BE7LH', text: suggestion.text }),
      ]);
      expect(suggestion.deliveries[0].status).toBe('sent');
    });

    it('webhook: a signed JSON POST to the bot', async () => {
      const secret = 'webhook-secret-0123456789';
      // the receiver checks the signature's time against the engine's (fake) clock
      const fake = await startFakeWebhookReceiver({ secret, now: () => t.clock.now() });
      closers.push(() => fake.close());
      const { suggestion } = await sendOne('webhook', { url: fake.url, secret }, 'maya');
      expect(fake.delivered).toEqual([
        expect.objectContaining({
          deliveryId: suggestion.deliveries[0].deliveryId,
          address: 'maya',
          text: suggestion.text,
        }),
      ]);
      expect(suggestion.deliveries[0].status).toBe('sent');
    });
  });
});
