import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  discordReplies,
  type FakeDiscordServer,
  startFakeDiscordServer,
} from '../../testing/fake-discord-server.js';
import { channelContract, outboundMessage } from '../channel.contract.js';
import { createChannelAdapter } from '../create-channel-adapter.js';
import { DISCORD_NONCE_LENGTH, DiscordChannel, discordNonce } from './discord-channel.js';

const TOKEN = 'fake-discord-bot-token';
const USER = '80351110224678912';

const UNREACHABLE = {
  'Cannot send messages to this user (50007)': (fake: FakeDiscordServer) =>
    fake.script('createMessage', discordReplies.cannotMessageUser()),
  'Unknown User (10013)': (fake: FakeDiscordServer) => fake.script('openDm', discordReplies.unknownUser()),
};

channelContract({
  name: 'discord',
  choicesAs: 'buttons',
  unreachable: Object.keys(UNREACHABLE),
  async start() {
    const fake = await startFakeDiscordServer({ token: TOKEN });
    return {
      address: USER,
      origin: new URL(fake.apiBase).origin,
      requestsPerSend: 2,
      adapter: ({ origin, wrongCredential, timeoutMs = 60_000, fetch } = {}) =>
        createChannelAdapter(
          {
            channel: 'discord',
            token: wrongCredential ? 'wrong-token' : TOKEN,
            apiBase: origin === undefined ? fake.apiBase : `${origin}/api`,
          },
          { timeoutMs, now: () => new Date(), fetch },
        ),
      delivered: () =>
        fake.delivered.map((m) => ({
          address: m.recipientId ?? m.channelId,
          text: m.content,
          externalId: m.id,
          choices: m.components
            .flatMap((row) => row.components)
            .map((b) => ({ label: b.label, data: b.custom_id })),
        })),
      requestCount: () => fake.requests.length,
      scriptUnreachable: (name) => UNREACHABLE[name as keyof typeof UNREACHABLE](fake),
      scriptRateLimited: (seconds) => fake.script('createMessage', discordReplies.rateLimited(seconds)),
      scriptServerError: () => fake.script('createMessage', discordReplies.serverError()),
      scriptSlowAnswer: (ms) => fake.script('createMessage', { handle: true, delayMs: ms }),
      scriptLostAnswer: () => fake.script('createMessage', { reset: 'after-body' }),
      scriptResetOnArrival: () => fake.script('createMessage', { reset: 'before-body' }),
      close: () => fake.close(),
    };
  },
});

describe('DiscordChannel', () => {
  let fake: FakeDiscordServer;
  beforeEach(async () => {
    fake = await startFakeDiscordServer({ token: TOKEN });
  });
  afterEach(() => fake.close());
  const signal = new AbortController().signal;
  const channel = (timeoutMs = 60_000) =>
    new DiscordChannel({ token: TOKEN, apiBase: fake.apiBase, timeoutMs });
  const routes = () => fake.requests.map((r) => r.route);

  it.each([
    ['no choices', undefined],
    ['an empty list of choices', []],
  ])(
    'opens the DM channel with the user, then posts with a nonce of at most 25 characters, for %s',
    async (_, choices) => {
      const message = outboundMessage({ address: USER, choices });
      const result = await channel().send(message, signal);
      expect(result.outcome).toBe('sent');
      expect(routes()).toEqual(['openDm', 'createMessage']);
      expect(fake.requests[0]!.body).toEqual({ recipient_id: USER });
      expect(fake.requests[1]!.path).toBe(`/api/v10/channels/${fake.delivered[0]!.channelId}/messages`);
      const posted = fake.requests[1]!.body as { content: string; nonce: string; enforce_nonce: boolean };
      expect(posted).toEqual({
        content: message.text,
        nonce: discordNonce(message.deliveryId),
        enforce_nonce: true,
      });
      expect(posted.nonce.length).toBeLessThanOrEqual(DISCORD_NONCE_LENGTH);
      for (const request of fake.requests) expect(request.headers.authorization).toBe(`Bot ${TOKEN}`);
    },
  );

  it('posts the choices as buttons, five to an action row, in order', async () => {
    const labels = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'L'.repeat(80)];
    const choices = labels.map((label, i) => ({ label, data: `choice:${i + 1}` }));
    const message = outboundMessage({ address: USER, choices });
    expect(await channel().send(message, signal)).toMatchObject({ outcome: 'sent' });
    const button = (i: number) => ({ type: 2, style: 1, label: labels[i], custom_id: `choice:${i + 1}` });
    expect(fake.requests[1]!.body).toEqual({
      content: message.text,
      nonce: discordNonce(message.deliveryId),
      enforce_nonce: true,
      components: [
        { type: 1, components: [0, 1, 2, 3, 4].map(button) },
        { type: 1, components: [5, 6].map(button) },
      ],
    });
  });

  it.each([
    [
      'a label over 80 characters',
      [{ label: 'L'.repeat(81), data: 'yes' }],
      "discord: choice 1's label is 81 characters, at most 80",
    ],
    [
      'two choices with the same data',
      [
        { label: 'Yes', data: 'yes' },
        { label: 'Sure', data: 'yes' },
      ],
      'discord: choice 2 repeats the data of an earlier one',
    ],
  ])('refuses %s, which Discord would, before opening the DM channel', async (_, choices, reason) => {
    const result = await channel().send(outboundMessage({ address: USER, choices }), signal);
    expect(result).toEqual({ outcome: 'permanent', reason, unreachable: false });
    expect(fake.requests).toEqual([]);
  });

  it('posts in a server channel as it is, without opening a direct message', async () => {
    await fake.close();
    fake = await startFakeDiscordServer({ token: TOKEN, guildChannels: ['777000111'] });
    const adapter = channel();
    const message = outboundMessage({ address: '777000111', audience: 'public' });
    expect(await adapter.send(message, signal)).toMatchObject({ outcome: 'sent' });
    expect(routes()).toEqual(['createMessage']);
    expect(fake.delivered[0]).toMatchObject({
      channelId: '777000111',
      recipientId: null,
      content: message.text,
    });
    // a server channel the bot cannot see is not retried (not a remembered DM channel gone)
    fake.script('createMessage', discordReplies.error(404, 10003, 'Unknown Channel'));
    expect(
      await adapter.send(outboundMessage({ address: '777000111', audience: 'public' }), signal),
    ).toMatchObject({
      outcome: 'permanent',
      unreachable: true,
    });
  });

  it('derives one nonce per delivery: the same on every attempt, another for another delivery', () => {
    expect(discordNonce('dlv_1')).toBe(discordNonce('dlv_1'));
    expect(discordNonce('dlv_1')).not.toBe(discordNonce('dlv_2'));
    expect(discordNonce('x'.repeat(500))).toHaveLength(DISCORD_NONCE_LENGTH);
  });

  it('reuses the DM channel it opened for the next message to the same user', async () => {
    const adapter = channel();
    await adapter.send(outboundMessage({ address: USER }), signal);
    await adapter.send(outboundMessage({ address: USER }), signal);
    expect(routes()).toEqual(['openDm', 'createMessage', 'createMessage']);
    expect(fake.delivered).toHaveLength(2);
  });

  it('retries when a remembered DM channel is gone, and opens it afresh next time', async () => {
    const adapter = channel();
    await adapter.send(outboundMessage({ address: USER }), signal);
    fake.script('createMessage', discordReplies.error(404, 10003, 'Unknown Channel'));
    const gone = await adapter.send(outboundMessage({ address: USER }), signal);
    expect(gone).toEqual({
      outcome: 'retry',
      reason: expect.stringContaining('cached DM channel'),
      retryAfterMs: null,
    });
    expect((await adapter.send(outboundMessage({ address: USER }), signal)).outcome).toBe('sent');
    expect(routes()).toEqual(['openDm', 'createMessage', 'createMessage', 'openDm', 'createMessage']);
  });

  it('retries, not unknown, when opening the DM channel times out: no message was sent yet', async () => {
    fake.script('openDm', { handle: true, delayMs: 2_000 });
    const result = await channel(300).send(outboundMessage({ address: USER }), signal);
    expect(result).toEqual({
      outcome: 'retry',
      reason: expect.stringContaining('nothing was sent'),
      retryAfterMs: null,
    });
    expect(routes()).toEqual(['openDm']);
  });

  it('treats a refused DM opening (a malformed user id) as unreachable', async () => {
    const result = await channel().send(outboundMessage({ address: 'not-a-snowflake' }), signal);
    expect(result).toMatchObject({ outcome: 'permanent', unreachable: true });
    expect(result.outcome === 'permanent' && result.reason).toContain('50035');
  });

  it('treats a refusal of the message itself as permanent, not unreachable', async () => {
    fake.script('createMessage', discordReplies.error(400, 50035, 'Invalid Form Body'));
    const result = await channel().send(outboundMessage({ address: USER }), signal);
    expect(result).toEqual({
      outcome: 'permanent',
      reason: expect.stringContaining('50035'),
      unreachable: false,
    });
  });

  it('keeps sending after a 401, judging each send with its token again', async () => {
    const adapter = channel();
    fake.script('openDm', { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    expect(await adapter.send(outboundMessage({ address: USER }), signal)).toMatchObject({
      outcome: 'permanent',
      unreachable: false,
    });
    expect((await adapter.send(outboundMessage({ address: USER }), signal)).outcome).toBe('sent');
  });

  it('is idempotent: the nonce makes a resend return the first message', () => {
    expect(channel().idempotent).toBe(true);
  });
});
