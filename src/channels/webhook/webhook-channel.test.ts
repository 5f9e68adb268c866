import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyHook } from '../../contract/hook-signature.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '../../testing/fake-webhook-receiver.js';
import { channelContract, outboundMessage } from '../channel.contract.js';
import { createChannelAdapter } from '../create-channel-adapter.js';
import { DELIVERY_HEADER, WebhookChannel } from './webhook-channel.js';

const SECRET = 'whsec-fake-secret';
const ADDRESS = 'bot-user-7';

channelContract({
  name: 'webhook',
  choicesAs: 'buttons',
  unreachable: ['410 Gone'],
  async start() {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const fake = await startFakeWebhookReceiver({ secret: SECRET, now: () => clock.now() });
    return {
      address: ADDRESS,
      origin: new URL(fake.url).origin,
      requestsPerSend: 1,
      adapter: ({ origin, wrongCredential, timeoutMs = 60_000, fetch } = {}) =>
        createChannelAdapter(
          {
            channel: 'webhook',
            url: origin === undefined ? fake.url : `${origin}/overture`,
            secret: wrongCredential ? 'not-the-secret' : SECRET,
          },
          { timeoutMs, now: () => clock.now(), fetch },
        ),
      delivered: () =>
        fake.delivered.map((m) => ({
          address: m.address,
          text: m.text,
          externalId: m.id,
          choices: m.choices,
        })),
      requestCount: () => fake.requests.length,
      scriptUnreachable: () => fake.script({ status: 410, body: { error: 'this bot is gone' } }),
      scriptRateLimited: (seconds) =>
        fake.script({ status: 429, headers: { 'retry-after': String(seconds) } }),
      scriptServerError: () => fake.script({ status: 500, body: 'oops' }),
      scriptSlowAnswer: (ms) => fake.script({ handle: true, delayMs: ms }),
      scriptLostAnswer: () => fake.script({ reset: 'after-body' }),
      scriptResetOnArrival: () => fake.script({ reset: 'before-body' }),
      close: () => fake.close(),
    };
  },
});

describe('WebhookChannel', () => {
  let clock: FakeClock;
  let fake: FakeWebhookReceiver;
  beforeEach(async () => {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    fake = await startFakeWebhookReceiver({ secret: SECRET, now: () => clock.now() });
  });
  afterEach(() => fake.close());
  const signal = new AbortController().signal;
  const channel = (url = fake.url) =>
    new WebhookChannel({ url, secret: SECRET, timeoutMs: 60_000, now: () => clock.now() });
  const send = (adapter = channel()) => adapter.send(outboundMessage({ address: ADDRESS }), signal);

  it.each([
    ['no choices', undefined],
    ['an empty list of choices', []],
  ])(
    'posts the delivery as JSON, with its id, the timestamp from the injected clock and a signature, for %s',
    async (_, choices) => {
      const message = outboundMessage({ address: ADDRESS, attempt: 3, choices });
      await channel().send(message, signal);
      const request = fake.requests[0]!;
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers[DELIVERY_HEADER]).toBe(message.deliveryId);
      expect(request.headers['x-overture-timestamp']).toBe(String(Date.parse('2026-03-02T09:00:00Z') / 1000));
      expect(request.headers['x-overture-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(JSON.parse(request.rawBody)).toEqual({
        type: 'overture.delivery',
        deliveryId: message.deliveryId,
        suggestionId: message.suggestionId,
        tenantId: message.tenantId,
        userId: message.userId,
        characterId: message.characterId,
        address: ADDRESS,
        audience: 'private',
        text: message.text,
        attempt: 3,
        sentAt: '2026-03-02T09:00:00.000Z',
      });
    },
  );

  it('carries the choices in the body after the text, in order, as label and data', async () => {
    const choices = [
      { label: "Yes, let's plan", data: 'plan:yes' },
      { label: 'Not now', data: 'plan:no' },
    ];
    const message = outboundMessage({ address: ADDRESS, choices });
    expect(await channel().send(message, signal)).toEqual({ outcome: 'sent', externalId: 'msg-1' });
    const body = JSON.parse(fake.requests[0]!.rawBody) as Record<string, unknown>;
    expect(body.choices).toEqual(choices);
    expect(Object.keys(body)).toEqual([
      'type',
      'deliveryId',
      'suggestionId',
      'tenantId',
      'userId',
      'characterId',
      'address',
      'audience',
      'text',
      'choices',
      'attempt',
      'sentAt',
    ]);
    expect(fake.verifications).toEqual([expect.objectContaining({ valid: true })]);
  });

  it('signs so that verifyHook (what receivers check with) accepts the call, and only the call as sent', async () => {
    await send();
    const request = fake.requests[0]!;
    const call = {
      timestamp: request.headers['x-overture-timestamp'],
      signature: request.headers['x-overture-signature'],
      rawBody: request.rawBody,
    };
    const now = clock.now().getTime();
    expect(verifyHook(SECRET, call, now)).toMatchObject({ valid: true });
    expect(fake.verifications).toEqual([expect.objectContaining({ valid: true })]);
    expect(verifyHook(SECRET, { ...call, rawBody: request.rawBody.replace('Hi', 'Bye') }, now)).toMatchObject(
      {
        valid: false,
      },
    );
    expect(verifyHook('another-secret', call, now)).toMatchObject({ valid: false });
  });

  it('is refused by a receiver whose clock is more than 5 minutes off: permanent, not unreachable', async () => {
    const late = new WebhookChannel({
      url: fake.url,
      secret: SECRET,
      timeoutMs: 60_000,
      now: () => new Date(clock.now().getTime() - 6 * 60_000),
    });
    expect(await send(late)).toEqual({
      outcome: 'permanent',
      reason: 'webhook HTTP 401',
      unreachable: false,
    });
    expect(fake.verifications[0]).toMatchObject({
      valid: false,
      problem: expect.stringContaining('5 minutes'),
    });
  });

  it('does not follow a redirect: it would carry the signed call elsewhere', async () => {
    const elsewhere = await startFakeWebhookReceiver({ secret: SECRET, now: () => clock.now() });
    try {
      fake.script({ status: 307, headers: { location: elsewhere.url } });
      expect(await send()).toEqual({
        outcome: 'permanent',
        reason: 'webhook HTTP 307 (redirects are not followed)',
        unreachable: false,
      });
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('honours a Retry-After given as an HTTP date, against the injected clock', async () => {
    fake.script({ status: 503, headers: { 'retry-after': 'Mon, 02 Mar 2026 09:02:30 GMT' } });
    expect(await send()).toEqual({ outcome: 'retry', reason: 'webhook HTTP 503', retryAfterMs: 150_000 });
  });

  it('retries a 408 and a 503 without Retry-After with no wait of their own', async () => {
    fake.script([{ status: 408 }, { status: 503 }]);
    expect(await send()).toEqual({ outcome: 'retry', reason: 'webhook HTTP 408', retryAfterMs: null });
    expect(await send()).toEqual({ outcome: 'retry', reason: 'webhook HTTP 503', retryAfterMs: null });
  });

  it("treats other 4xx, 404 included, as permanent but not the address's fault", async () => {
    fake.script([{ status: 404 }, { status: 400, body: { error: 'bad' } }, { status: 422 }]);
    for (const status of [404, 400, 422])
      expect(await send()).toEqual({
        outcome: 'permanent',
        reason: `webhook HTTP ${status}`,
        unreachable: false,
      });
  });

  it('reports sent with no external id when the 2xx answer is not JSON with an id', async () => {
    fake.script([{ status: 204 }, { status: 200, body: 'ok' }, { status: 202, body: { queued: true } }]);
    for (let i = 0; i < 3; i++) expect(await send()).toEqual({ outcome: 'sent', externalId: null });
  });

  it('takes a numeric id as the external id', async () => {
    fake.script({ status: 200, body: { id: 4711 } });
    expect(await send()).toEqual({ outcome: 'sent', externalId: '4711' });
  });

  it('refuses a URL that is not http(s) when built', () => {
    expect(() => channel('file:///etc/passwd')).toThrow(/url/);
  });
});
