import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENT_CHANNELS } from '../src/ports/channel.js';
import { claimDeliveries, recoverLapsed, startAttempt } from '../src/storage/delivery.repository.js';
import type { FakeModelServer } from '../src/testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { BACKENDS } from './helpers/backends.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { PING_TRIGGER } from './helpers/triggers.js';

const SECRET_KEY = randomBytes(32).toString('base64');
const TOKEN = '123456:telegram-test-token';

/**
 * The outbox: what the delivery worker does with each outcome a channel reports. The adapters
 * here record and answer as scripted; the real ones are held to src/channels/channel.contract.ts
 * against fake platform servers, and test/e2e goes through the real Telegram one.
 */
describe.each(BACKENDS)('delivering suggestions on %s', (backend) => {
  let t: TestServer;
  let channels: RecordingChannel;
  let pings = 0;
  let model: FakeModelServer;

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const engine = () => t.server.engine;

  beforeEach(async () => {
    channels = new RecordingChannel();
    t = await startTestServer(
      backend,
      { secretKey: SECRET_KEY, deliveryMaxAttempts: 3 },
      { channels: channels.factory },
    );
    pings = 0;
    // each opener in its own words, so that none is refused as a repeat of the last
    model = await startFakeOpenAiServer({
      otherwise: () => ({
        object: {
          message: Array.from({ length: 6 }, () => randomBytes(4).toString('hex')).join(' '),
          topicId: null,
        },
      }),
    });
    await ok({
      method: 'PUT',
      url: '/v1/llm-provider',
      payload: { kind: 'openai-compatible', baseUrl: model.url, model: 'fake' },
    });
    await ok({ method: 'PUT', url: '/v1/characters/luna', payload: { name: 'Luna' } });
    await ok({ method: 'PUT', url: '/v1/characters/luna/channels/telegram', payload: { token: TOKEN } });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { telegram: '111' } } });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'hello',
        kind: 'message_in',
        userId: 'maya',
        characterId: 'luna',
        at: t.clock.now().toISOString(),
        text: 'hi',
      },
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
  });
  afterEach(async () => {
    await model.close();
    await t.close();
  });

  /** A `ping` event decided and drafted: one auto-approved suggestion, its delivery queued. */
  const ping = async (userId = 'maya') => {
    t.clock.advance({ minutes: 31 });
    pings++;
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `ping-${pings}`,
        kind: 'custom',
        name: 'ping',
        userId,
        characterId: 'luna',
        at: t.clock.now().toISOString(),
      },
    });
    expect((await engine().sweep()).suggestions).toBe(1);
    const list = await ok({ method: 'GET', url: `/v1/suggestions?userId=${userId}&limit=1` });
    return list.suggestions[0].suggestionId as string;
  };
  const detail = (id: string) => ok({ method: 'GET', url: `/v1/suggestions/${id}` });

  it("sends an approved suggestion once, and records it as the user's message_out", async () => {
    const id = await ping();
    expect((await detail(id)).status).toBe('approved');
    const before = await detail(id);
    expect(before.deliveries).toMatchObject([
      { channel: 'telegram', address: '111', status: 'queued', attempts: 0 },
    ]);

    const result = await engine().deliver();
    expect(result).toMatchObject({ claimed: 1, sent: 1 });
    expect(channels.calls).toHaveLength(1);
    expect(channels.calls[0]).toMatchObject({
      channel: 'telegram',
      address: '111',
      userId: 'maya',
      attempt: 1,
    });
    expect(channels.calls[0]!.text).toBe(before.text);
    expect(channels.calls[0]!.settings).toEqual({});

    const after = await detail(id);
    expect(after.status).toBe('sent');
    expect(after.decision).toMatchObject({ action: 'send', suggestionId: id });
    expect(after.decision.trace.length).toBeGreaterThan(3);
    expect(after.deliveries[0]).toMatchObject({ status: 'sent', attempts: 1, externalId: 'm-1' });
    expect(after.deliveries[0].attemptLog).toMatchObject([{ attempt: 1, outcome: 'sent' }]);
    const user = await ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user.characters[0].activity.lastOutboundAt).toBe(t.clock.now().toISOString());
    expect(user.characters[0].activity.outboundCount).toBe(1);

    // nothing is sent twice
    expect(await engine().deliver()).toMatchObject({ claimed: 0 });
    expect(channels.calls).toHaveLength(1);
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('overture_deliveries_total{channel="telegram",status="sent"} 1');
    expect(metrics.body).toContain('overture_suggestions_total{status="sent"} 1');
  });

  it("retries after a platform's retry-after, with backoff, and then sends", async () => {
    const id = await ping();
    channels.script({ outcome: 'retry', reason: 'HTTP 429: Too Many Requests', retryAfterMs: 120_000 });
    expect(await engine().deliver()).toMatchObject({ claimed: 1, retried: 1 });
    let d = (await detail(id)).deliveries[0];
    expect(d).toMatchObject({ status: 'queued', attempts: 1, reason: 'HTTP 429: Too Many Requests' });
    expect(Date.parse(d.nextAttemptAt) - t.clock.now().getTime()).toBeGreaterThanOrEqual(120_000);
    expect((await detail(id)).status).toBe('sending');

    t.clock.advance({ seconds: 119 });
    expect(await engine().deliver()).toMatchObject({ claimed: 0 });
    t.clock.advance({ seconds: 2 });
    expect(await engine().deliver()).toMatchObject({ claimed: 1, sent: 1 });
    d = (await detail(id)).deliveries[0];
    expect(d).toMatchObject({ status: 'sent', attempts: 2 });
    expect(d.attemptLog).toMatchObject([
      { attempt: 1, outcome: 'retry', retryAfterMs: 120_000 },
      { attempt: 2, outcome: 'sent' },
    ]);
    expect(channels.delivered).toHaveLength(1);
  });

  it('fails after the last attempt with the reason, never reported as sent', async () => {
    const id = await ping();
    const down = { outcome: 'retry' as const, reason: 'HTTP 502: Bad Gateway', retryAfterMs: null };
    channels.script(down, down, down);
    for (let i = 0; i < 3; i++) {
      await engine().deliver();
      t.clock.advance({ hours: 2 });
    }
    const s = await detail(id);
    expect(s.status).toBe('failed');
    expect(s.statusReason).toBe('gave up after 3 attempts: HTTP 502: Bad Gateway');
    expect(s.deliveries[0]).toMatchObject({ status: 'failed', attempts: 3, sentAt: null });
    expect(s.deliveries[0].attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual([
      'retry',
      'retry',
      'retry',
    ]);
    expect(channels.delivered).toHaveLength(0);
  });

  it('does not send late: a retry that would come after the suggestion expires ends it expired', async () => {
    const id = await ping();
    channels.script({
      outcome: 'retry',
      reason: 'HTTP 429: Too Many Requests',
      retryAfterMs: 3 * 86_400_000,
    });
    await engine().deliver();
    const s = await detail(id);
    expect(s).toMatchObject({
      status: 'expired',
      statusReason: 'expired before it could be tried again: HTTP 429: Too Many Requests',
    });
    expect(s.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
    expect(channels.delivered).toHaveLength(0);
  });

  it('fails a permanent error at once and marks the address unreachable until it is set again', async () => {
    const id = await ping();
    channels.script({
      outcome: 'permanent',
      reason: 'Forbidden: bot was blocked by the user',
      unreachable: true,
    });
    expect(await engine().deliver()).toMatchObject({ failed: 1 });
    expect(await detail(id)).toMatchObject({
      status: 'failed',
      statusReason: 'Forbidden: bot was blocked by the user',
    });
    const user = await ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user.unreachable).toMatchObject([{ channel: 'telegram', address: '111' }]);

    // the next one is not even queued: nowhere to send it
    const next = await ping();
    expect(await detail(next)).toMatchObject({
      status: 'failed',
      statusReason: 'no reachable address (telegram: address 111 is unreachable)',
      deliveries: [],
    });

    // the bot says the address works again (the user unblocked it)
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { telegram: '111' } } });
    expect((await ok({ method: 'GET', url: '/v1/users/maya' })).unreachable).toEqual([]);
    const third = await ping();
    await engine().deliver();
    expect((await detail(third)).status).toBe('sent');
  });

  it('marks an unknown outcome unknown on a channel without an idempotency key, and never resends it', async () => {
    const id = await ping();
    channels.script({ outcome: 'unknown', reason: 'timed out after the request was sent' });
    expect(await engine().deliver()).toMatchObject({ unknown: 1 });
    const s = await detail(id);
    expect(s.status).toBe('unknown');
    expect(s.deliveries[0]).toMatchObject({
      status: 'unknown',
      reason: 'timed out after the request was sent: it may have been sent',
    });
    t.clock.advance({ hours: 3 });
    expect(await engine().deliver()).toMatchObject({ claimed: 0 });
    expect(channels.calls).toHaveLength(1);

    // a person who checked settles it
    const settled = await ok({
      method: 'POST',
      url: `/v1/deliveries/${s.deliveries[0].deliveryId}/report`,
      payload: { status: 'sent', externalId: 'tg-77' },
    });
    expect(settled).toMatchObject({ status: 'sent', externalId: 'tg-77' });
    expect((await detail(id)).status).toBe('sent');
    const again = await t.request({
      method: 'POST',
      url: `/v1/deliveries/${s.deliveries[0].deliveryId}/report`,
      payload: { status: 'failed' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is sent; only a handed_off or unknown one takes a report');
  });

  it('after a crash between hand-over and record: unknown on Telegram, resent with the same key on Discord', async () => {
    await ok({
      method: 'PUT',
      url: '/v1/characters/luna/channels/discord',
      payload: { token: 'discord-bot-token' },
    });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { discord: '9001' } } });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { preferredChannel: 'telegram' } });
    const onTelegram = await ping();
    // a worker claims it, hands it over and dies before recording anything
    const handOverAndDie = async () => {
      const now = t.clock.now();
      const lease = new Date(now.getTime() + 45_000);
      const claimed = await claimDeliveries(engine().database.db, 'dead-worker', now, lease, 10);
      expect(claimed).toHaveLength(1);
      expect(await startAttempt(engine().database.db, claimed[0]!, 'dead-worker', now, lease)).toBe(true);
    };
    await handOverAndDie();
    t.clock.advance({ seconds: 46 });
    expect(await engine().deliver()).toMatchObject({ recovered: 1, claimed: 0 });
    const s = await detail(onTelegram);
    expect(s.status).toBe('unknown');
    expect(s.deliveries[0].attemptLog).toMatchObject([{ attempt: 1, outcome: 'lost' }]);
    expect(channels.calls).toHaveLength(0);

    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { preferredChannel: 'discord' } });
    const onDiscord = await ping();
    await handOverAndDie();
    t.clock.advance({ seconds: 46 });
    expect(await engine().deliver()).toMatchObject({ recovered: 1, claimed: 1, sent: 1 });
    const d = (await detail(onDiscord)).deliveries[0];
    expect(d).toMatchObject({ channel: 'discord', address: '9001', status: 'sent', attempts: 2 });
    expect(d.attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual(['lost', 'sent']);
    expect(channels.calls.map((c) => c.deliveryId)).toEqual([d.deliveryId]);
  });

  it('queues again, unsent and without counting the attempt, a delivery whose worker died before handing it over', async () => {
    const id = await ping();
    const now = t.clock.now();
    await claimDeliveries(engine().database.db, 'dead-worker', now, new Date(now.getTime() + 45_000), 10);
    t.clock.advance({ seconds: 46 });
    expect(await engine().deliver()).toMatchObject({ recovered: 1, claimed: 1, sent: 1, unknown: 0 });
    const d = (await detail(id)).deliveries[0];
    expect(d).toMatchObject({ channel: 'telegram', status: 'sent', attempts: 1 });
    expect(d.attemptLog).toMatchObject([{ attempt: 1, outcome: 'sent' }]);
    expect(channels.calls).toHaveLength(1);
  });

  it('lets a recovery stand over a worker that stalled past its lease, and records nothing of the stalled send', async () => {
    const id = await ping();
    channels.script(async () => {
      // the worker stalls past its lease; another instance recovers the delivery meanwhile
      t.clock.advance({ minutes: 5 });
      await recoverLapsed(engine().database.db, t.clock.now(), IDEMPOTENT_CHANNELS, 10);
      return { outcome: 'sent', externalId: 'late' };
    });
    expect(await engine().deliver()).toMatchObject({ claimed: 1, sent: 0, lost: 1 });
    const s = await detail(id);
    expect(s.status).toBe('unknown');
    expect(s.deliveries[0]).toMatchObject({ status: 'unknown', externalId: null });
    const user = await ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user.characters[0].activity.outboundCount).toBe(0);
  });

  it('chooses the preferred channel, else the last one written on, else the default', async () => {
    await ok({
      method: 'PUT',
      url: '/v1/characters/luna/channels/discord',
      payload: { token: 'discord-bot-token' },
    });
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { discord: '9001' } } });
    const channelOf = async () => (await detail(await ping())).deliveries[0].channel;
    const message = (id: string, channel: string, at = t.clock.now()) =>
      ok({
        method: 'POST',
        url: '/v1/events',
        payload: {
          id,
          kind: 'message_in',
          userId: 'maya',
          characterId: 'luna',
          at: at.toISOString(),
          channel,
        },
      });
    // neither preferred nor written on, no default: the character's channels in their order
    expect(await channelOf()).toBe('telegram');
    await ok({
      method: 'PUT',
      url: '/v1/characters/luna',
      payload: { name: 'Luna', defaults: { channel: 'discord' } },
    });
    expect(await channelOf()).toBe('discord');
    await message('tg-msg', 'telegram');
    expect(await channelOf()).toBe('telegram');
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { preferredChannel: 'discord' } });
    expect(await channelOf()).toBe('discord');
    // an earlier message arriving late does not change the last channel
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { preferredChannel: null } });
    await message('old-discord', 'discord', new Date(t.clock.now().getTime() - 3 * 3_600_000));
    expect(await channelOf()).toBe('telegram');
    // a preferred channel the character does not send on is passed over
    await ok({ method: 'PATCH', url: '/v1/users/maya', payload: { preferredChannel: 'slack' } });
    expect(await channelOf()).toBe('telegram');
  });

  it('skips a user with no reachable address, saying why', async () => {
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'x',
        kind: 'message_in',
        userId: 'noaddr',
        characterId: 'luna',
        at: t.clock.now().toISOString(),
      },
    });
    const id = await ping('noaddr');
    expect(await detail(id)).toMatchObject({
      status: 'failed',
      statusReason: 'no reachable address (telegram: the user has no address)',
      deliveries: [],
    });
  });

  it('hands a message to the bot on the stream, and takes its report', async () => {
    await ok({ method: 'DELETE', url: '/v1/characters/luna/channels/telegram' });
    await ok({
      method: 'PUT',
      url: '/v1/characters/luna/channels/stream',
      payload: { reportWithinMinutes: 5 },
    });
    const seen: string[] = [];
    engine().events.on('delivery.updated', (d) => seen.push(`${d.status}:${d.address}:${d.text.length > 0}`));
    const id = await ping();
    expect(await engine().deliver()).toMatchObject({ handedOff: 1 });
    const d = (await detail(id)).deliveries[0];
    expect(d).toMatchObject({ channel: 'stream', address: 'maya', status: 'handed_off' });
    expect(seen).toEqual(['queued:maya:true', 'sending:maya:true', 'handed_off:maya:true']);
    expect(channels.calls).toHaveLength(0);
    await ok({ method: 'POST', url: `/v1/deliveries/${d.deliveryId}/report`, payload: { status: 'sent' } });
    expect((await detail(id)).status).toBe('sent');

    // a report that does not come in time: unknown
    const late = await ping();
    await engine().deliver();
    t.clock.advance({ minutes: 6 });
    expect(await engine().deliver()).toMatchObject({ recovered: 1 });
    expect(await detail(late)).toMatchObject({
      status: 'unknown',
      statusReason: 'the bot did not report what became of the message in time',
    });
  });

  it('fails a queued delivery whose channel was removed meanwhile, saying so', async () => {
    const id = await ping();
    await ok({ method: 'DELETE', url: '/v1/characters/luna/channels/telegram' });
    await engine().deliver();
    expect(await detail(id)).toMatchObject({
      status: 'failed',
      statusReason: 'channel telegram is no longer configured for character "luna"',
    });
  });
});
