import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type FakeSlackServer,
  type SlackRoute,
  slackReplies,
  startFakeSlackServer,
} from '../../testing/fake-slack-server.js';
import { channelContract, closedPortOrigin, outboundMessage } from '../channel.contract.js';
import { createChannelAdapter } from '../create-channel-adapter.js';
import { SlackChannel } from './slack-channel.js';

const TOKEN = 'xoxb-fake-slack-token';
const USER = 'U012AB3CD';

const UNREACHABLE: Record<string, SlackRoute> = {
  user_not_found: 'conversations.open',
  users_not_found: 'conversations.open',
  cannot_dm_bot: 'conversations.open',
  user_disabled: 'conversations.open',
  channel_not_found: 'chat.postMessage',
  is_archived: 'chat.postMessage',
};

channelContract({
  name: 'slack',
  choicesAs: 'text',
  unreachable: Object.keys(UNREACHABLE),
  async start() {
    const fake = await startFakeSlackServer({ token: TOKEN });
    return {
      address: USER,
      origin: new URL(fake.apiUrl).origin,
      requestsPerSend: 2,
      adapter: ({ origin, wrongCredential, timeoutMs = 60_000, fetch } = {}) =>
        createChannelAdapter(
          {
            channel: 'slack',
            token: wrongCredential ? 'xoxb-wrong' : TOKEN,
            apiUrl: origin === undefined ? fake.apiUrl : `${origin}/api/`,
          },
          { timeoutMs, now: () => new Date(), fetch },
        ),
      delivered: () =>
        fake.delivered.map((m) => ({
          address: m.userId ?? m.channel,
          text: m.text,
          externalId: m.ts,
          choices: [],
        })),
      requestCount: () => fake.requests.length,
      scriptUnreachable: (name) => fake.script(UNREACHABLE[name]!, slackReplies.error(name)),
      scriptRateLimited: (seconds) => fake.script('chat.postMessage', slackReplies.rateLimited(seconds)),
      scriptServerError: () => fake.script('chat.postMessage', slackReplies.serverError()),
      scriptSlowAnswer: (ms) => fake.script('chat.postMessage', { handle: true, delayMs: ms }),
      scriptLostAnswer: () => fake.script('chat.postMessage', { reset: 'after-body' }),
      scriptResetOnArrival: () => fake.script('chat.postMessage', { reset: 'before-body' }),
      close: () => fake.close(),
    };
  },
});

describe('SlackChannel', () => {
  let fake: FakeSlackServer;
  beforeEach(async () => {
    fake = await startFakeSlackServer({ token: TOKEN });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    return fake.close();
  });
  const signal = new AbortController().signal;
  const channel = (apiUrl = fake.apiUrl) => new SlackChannel({ token: TOKEN, apiUrl, timeoutMs: 60_000 });
  const routes = () => fake.requests.map((r) => r.route);
  const send = (adapter = channel()) => adapter.send(outboundMessage({ address: USER }), signal);

  it('opens the DM conversation with the user, then posts the text in it, form-encoded with a bearer token', async () => {
    const message = outboundMessage({ address: USER });
    const result = await channel().send(message, signal);
    expect(routes()).toEqual(['conversations.open', 'chat.postMessage']);
    expect(fake.requests[0]!.body).toMatchObject({ users: USER });
    expect(fake.requests[1]!.body).toMatchObject({ channel: fake.delivered[0]!.channel, text: message.text });
    expect(fake.requests[1]!.headers['content-type']).toContain('application/x-www-form-urlencoded');
    for (const request of fake.requests) expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result).toEqual({ outcome: 'sent', externalId: fake.delivered[0]!.ts });
  });

  it('offers the choices as a line of labels to reply with, the text otherwise as it was', async () => {
    const message = outboundMessage({
      address: USER,
      choices: [
        { label: "Yes, let's plan", data: 'plan:yes' },
        { label: 'Not now', data: 'plan:no' },
      ],
    });
    expect(await channel().send(message, signal)).toMatchObject({ outcome: 'sent' });
    expect(fake.delivered[0]!.text).toBe(`${message.text}\nReply with: Yes, let's plan · Not now`);
    expect(JSON.stringify(fake.requests[1]!.body)).not.toContain('plan:');
  });

  it('escapes &, < and > in labels, so a label is never read as a mention or a link', async () => {
    const choices = [
      { label: 'Q&A', data: 'qa' },
      { label: '<!channel>', data: 'all' },
    ];
    await channel().send(outboundMessage({ address: USER, text: 'Hi', choices }), signal);
    expect(fake.delivered[0]!.text).toBe('Hi\nReply with: Q&amp;A · &lt;!channel&gt;');
  });

  it('posts in a shared channel as it is, without opening a direct message', async () => {
    await fake.close();
    fake = await startFakeSlackServer({ token: TOKEN, channels: ['C0TEAM'] });
    const message = outboundMessage({ address: 'C0TEAM', audience: 'public' });
    expect(await channel().send(message, signal)).toMatchObject({ outcome: 'sent' });
    expect(routes()).toEqual(['chat.postMessage']);
    expect(fake.delivered[0]).toMatchObject({ channel: 'C0TEAM', userId: null, text: message.text });
    // a channel the bot is not in is not a remembered conversation gone: it is not retried
    const gone = await channel().send(outboundMessage({ address: 'C0GONE', audience: 'public' }), signal);
    expect(gone).toMatchObject({ outcome: 'permanent' });
  });

  it('reuses the conversation it opened for the next message to the same user', async () => {
    const adapter = channel();
    await send(adapter);
    await send(adapter);
    expect(routes()).toEqual(['conversations.open', 'chat.postMessage', 'chat.postMessage']);
  });

  it('retries when a remembered conversation is gone, and opens it afresh next time', async () => {
    const adapter = channel();
    await send(adapter);
    fake.script('chat.postMessage', slackReplies.error('channel_not_found'));
    expect(await send(adapter)).toMatchObject({ outcome: 'retry' });
    expect((await send(adapter)).outcome).toBe('sent');
    expect(routes().filter((r) => r === 'conversations.open')).toHaveLength(2);
  });

  it.each(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'missing_scope'])(
    "treats %s as permanent, the token's fault and not the address's",
    async (error) => {
      fake.script('conversations.open', slackReplies.error(error));
      expect(await send()).toEqual({ outcome: 'permanent', reason: `slack: ${error}`, unreachable: false });
    },
  );

  it.each(['internal_error', 'fatal_error', 'service_unavailable'])(
    'retries %s while opening the conversation: nothing was posted',
    async (error) => {
      fake.script('conversations.open', slackReplies.error(error));
      expect(await send()).toEqual({ outcome: 'retry', reason: `slack: ${error}`, retryAfterMs: null });
    },
  );

  it("never quotes an answer that is not Slack's JSON (the client makes its body the error code)", async () => {
    fake.script('conversations.open', { status: 200, body: 'internal admin page: secret 4711' });
    expect(await send()).toEqual({
      outcome: 'permanent',
      reason: "slack: an answer that is not Slack's JSON",
      unreachable: false,
    });
  });

  it('retries service_unavailable from chat.postMessage', async () => {
    fake.script('chat.postMessage', slackReplies.error('service_unavailable'));
    expect(await send()).toMatchObject({ outcome: 'retry' });
  });

  it.each(['internal_error', 'fatal_error'])(
    'reports %s from chat.postMessage as unknown: Slack says part of it may have succeeded',
    async (error) => {
      fake.script('chat.postMessage', slackReplies.error(error));
      expect(await send()).toEqual({ outcome: 'unknown', reason: expect.stringContaining(error) });
    },
  );

  it('retries a rate limit on opening the conversation with its Retry-After', async () => {
    fake.script('conversations.open', slackReplies.rateLimited(30));
    expect(await send()).toEqual({ outcome: 'retry', reason: expect.any(String), retryAfterMs: 30_000 });
    expect(routes()).toEqual(['conversations.open']);
  });

  it('writes nothing to the console, failing or not', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => {}),
    );
    await send();
    await send(channel(`${await closedPortOrigin()}/api/`));
    fake.script('chat.postMessage', slackReplies.rateLimited(1));
    await send();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('is not idempotent: chat.postMessage has no idempotency key', () => {
    expect(channel().idempotent).toBe(false);
  });
});
