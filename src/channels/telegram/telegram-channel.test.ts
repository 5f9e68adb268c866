import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeTelegramServer,
  startFakeTelegramServer,
  telegramReplies,
} from '../../testing/fake-telegram-server.js';
import { channelContract, closedPortOrigin, outboundMessage } from '../channel.contract.js';
import { createChannelAdapter } from '../create-channel-adapter.js';
import { TelegramChannel } from './telegram-channel.js';

const TOKEN = '123456:fake-bot-token';
const CHAT = '424242';

const UNREACHABLE = {
  'bot was blocked by the user': telegramReplies.blocked,
  'user is deactivated': telegramReplies.deactivated,
  'chat not found': telegramReplies.chatNotFound,
};

channelContract({
  name: 'telegram',
  choicesAs: 'buttons',
  unreachable: Object.keys(UNREACHABLE),
  async start() {
    const fake = await startFakeTelegramServer({ token: TOKEN });
    return {
      address: CHAT,
      origin: new URL(fake.apiRoot).origin,
      requestsPerSend: 1,
      adapter: ({ origin, wrongCredential, timeoutMs = 60_000, fetch } = {}) =>
        createChannelAdapter(
          {
            channel: 'telegram',
            token: wrongCredential ? '999:wrong' : TOKEN,
            apiRoot: origin ?? fake.apiRoot,
          },
          { timeoutMs, now: () => new Date(), fetch },
        ),
      delivered: () =>
        fake.delivered.map((m) => ({
          address: m.chatId,
          text: m.text,
          externalId: String(m.messageId),
          choices: (m.inlineKeyboard ?? []).flat().map((b) => ({ label: b.text, data: b.callback_data })),
        })),
      requestCount: () => fake.requests.length,
      scriptUnreachable: (name) => fake.script(UNREACHABLE[name as keyof typeof UNREACHABLE]()),
      scriptRateLimited: (seconds) => fake.script(telegramReplies.rateLimited(seconds)),
      scriptServerError: () => fake.script(telegramReplies.serverError()),
      scriptSlowAnswer: (ms) => fake.script({ handle: true, delayMs: ms }),
      scriptLostAnswer: () => fake.script({ reset: 'after-body' }),
      scriptResetOnArrival: () => fake.script({ reset: 'before-body' }),
      close: () => fake.close(),
    };
  },
});

describe('TelegramChannel', () => {
  let fake: FakeTelegramServer;
  beforeEach(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
  });
  afterEach(() => fake.close());
  const signal = new AbortController().signal;
  const channel = (apiRoot = fake.apiRoot) =>
    new TelegramChannel({ token: TOKEN, apiRoot, timeoutMs: 60_000 });

  it.each([
    ['no choices', undefined],
    ['an empty list of choices', []],
  ])(
    'calls sendMessage under the bot token with the address as chat_id, as JSON, for %s',
    async (_, choices) => {
      const message = outboundMessage({ address: CHAT, choices });
      await channel().send(message, signal);
      expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/bot${TOKEN}/sendMessage` });
      expect(fake.requests[0]!.headers['content-type']).toContain('application/json');
      expect(fake.requests[0]!.body).toEqual({ chat_id: CHAT, text: message.text });
      expect(fake.delivered[0]!.inlineKeyboard).toBeNull();
    },
  );

  it('sends the choices as an inline keyboard, one button a row, in order', async () => {
    const message = outboundMessage({
      address: CHAT,
      choices: [
        { label: "Yes, let's plan", data: 'plan:yes' },
        { label: 'Not now', data: 'plan:no' },
      ],
    });
    expect(await channel().send(message, signal)).toEqual({ outcome: 'sent', externalId: '1' });
    expect(fake.requests[0]!.body).toEqual({
      chat_id: CHAT,
      text: message.text,
      reply_markup: {
        inline_keyboard: [
          [{ text: "Yes, let's plan", callback_data: 'plan:yes' }],
          [{ text: 'Not now', callback_data: 'plan:no' }],
        ],
      },
    });
  });

  it('refuses callback data over 64 bytes itself, where the Bot API would answer BUTTON_DATA_INVALID', async () => {
    const choices = [{ label: 'Yes', data: 'y'.repeat(65) }];
    const result = await channel().send(outboundMessage({ address: CHAT, choices }), signal);
    expect(result).toEqual({
      outcome: 'permanent',
      reason: "telegram: choice 1's data is 65 bytes, at most 64",
      unreachable: false,
    });
    expect(fake.requests).toEqual([]);
    // what the platform says of the same keyboard
    const api = new Api(TOKEN, { apiRoot: fake.apiRoot });
    const keyboard = { inline_keyboard: [[{ text: 'Yes', callback_data: 'y'.repeat(65) }]] };
    await expect(api.sendMessage(CHAT, 'Hi', { reply_markup: keyboard })).rejects.toMatchObject({
      error_code: 400,
      description: 'Bad Request: BUTTON_DATA_INVALID',
    });
  });

  it('accepts an apiRoot with a trailing slash, which grammY itself refuses', async () => {
    const result = await channel(`${fake.apiRoot}/`).send(outboundMessage({ address: CHAT }), signal);
    expect(result.outcome).toBe('sent');
  });

  it('refuses an apiRoot that is not an http(s) URL when built', () => {
    expect(() => channel('ftp://example.invalid')).toThrow(/apiRoot/);
    expect(() => channel('not a url')).toThrow(/apiRoot/);
  });

  it('is not idempotent: the Bot API has no idempotency key', () => {
    expect(channel().idempotent).toBe(false);
  });

  it("treats a 400 about the message, not the chat, as permanent but the address's fine", async () => {
    fake.script(telegramReplies.error(400, 'Bad Request: message is too long'));
    const result = await channel().send(outboundMessage({ address: CHAT }), signal);
    expect(result).toEqual({
      outcome: 'permanent',
      reason: 'telegram 400: Bad Request: message is too long',
      unreachable: false,
    });
  });

  it('treats a group upgraded to a supergroup as unreachable at this address, naming the new chat', async () => {
    fake.script(
      telegramReplies.error(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: -1001234567890,
      }),
    );
    const result = await channel().send(outboundMessage({ address: CHAT }), signal);
    expect(result).toMatchObject({ outcome: 'permanent', unreachable: true });
    expect(result.outcome === 'permanent' && result.reason).toContain('-1001234567890');
  });

  it('treats a 404 (what Telegram answers a malformed token) as permanent, not unreachable', async () => {
    fake.script({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
    const result = await channel().send(outboundMessage({ address: CHAT }), signal);
    expect(result).toMatchObject({ outcome: 'permanent', unreachable: false });
  });

  it('reports a gateway error page that is not the Bot API answering as unknown', async () => {
    fake.script({ status: 502, body: '<html>502 Bad Gateway</html>' });
    const result = await channel().send(outboundMessage({ address: CHAT }), signal);
    expect(result.outcome).toBe('unknown');
  });

  it('never puts the bot token in a reason, though it is in every URL', async () => {
    const refused = await channel(await closedPortOrigin()).send(outboundMessage({ address: CHAT }), signal);
    fake.script({ status: 502, body: 'not json' });
    const garbled = await channel().send(outboundMessage({ address: CHAT }), signal);
    for (const result of [refused, garbled]) {
      expect(result.outcome).not.toBe('sent');
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    }
  });
});
