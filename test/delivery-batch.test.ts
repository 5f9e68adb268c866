import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { BACKENDS } from './helpers/backends.js';
import { ADMIN_KEY, startTestServer, type TestServer } from './helpers/test-server.js';
import { PING_TRIGGER } from './helpers/triggers.js';

const SECRET_KEY = randomBytes(32).toString('base64');

/**
 * One claim of the delivery worker can hold deliveries of several tenants and users: each is
 * checked on its own tenant's policy and its own user's consent and zone, read for the batch at once.
 */
describe.each(BACKENDS)('a batch of deliveries on %s', (backend) => {
  let t: TestServer;
  let channels: RecordingChannel;
  let n = 0;

  const ok = async (key: string, options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request({ key, ...options });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const policy = (key: string, quietHours: { start: string; end: string } | null) =>
    ok(key, {
      method: 'PUT',
      url: '/v1/policy',
      payload: {
        allowProactive: true,
        quietHours,
        minGapMinutes: 0,
        midConversationMinutes: 0,
        userCaps: { perDay: 50, perWeek: 50 },
        characterCaps: { perDay: 50, perWeek: 50 },
      },
    });
  /** A tenant with the character `luna` on telegram, its users each with an address and a message. */
  const tenant = async (key: string, users: Record<string, { timezone?: string }>) => {
    await ok(key, { method: 'PUT', url: '/v1/characters/luna', payload: { name: 'Luna' } });
    await ok(key, {
      method: 'PUT',
      url: '/v1/characters/luna/channels/telegram',
      payload: { token: '123:token-xyz' },
    });
    for (const [userId, patch] of Object.entries(users)) {
      await ok(key, {
        method: 'PATCH',
        url: `/v1/users/${userId}`,
        payload: { addresses: { telegram: `tg-${userId}` }, ...patch },
      });
      await event(key, userId, { kind: 'message_in', text: 'hi' });
    }
    await policy(key, null);
    await ok(key, {
      method: 'POST',
      url: '/v1/triggers',
      payload: PING_TRIGGER,
    });
  };
  const event = (key: string, userId: string, fields: Record<string, unknown>) =>
    ok(key, {
      method: 'POST',
      url: '/v1/events',
      payload: { id: `e${n++}`, userId, characterId: 'luna', at: t.clock.now().toISOString(), ...fields },
    });
  const statusOf = async (key: string, userId: string) => {
    const { suggestions } = await ok(key, { method: 'GET', url: `/v1/suggestions?userId=${userId}&limit=1` });
    return { status: suggestions[0].status, statusReason: suggestions[0].statusReason };
  };

  beforeEach(async () => {
    channels = new RecordingChannel();
    t = await startTestServer(backend, { secretKey: SECRET_KEY }, { channels: channels.factory });
    n = 0;
  });
  afterEach(() => t.close());

  it("checks each delivery of one claim on its own tenant's policy and its own user's consent and zone", async () => {
    const other = (await t.server.engine.createTenant({ tenantId: 'tenant-b' })).adminKey.key;
    await tenant(ADMIN_KEY, { maya: {}, noor: {} });
    await tenant(other, { ola: { timezone: 'Asia/Tokyo' } });
    for (const userId of ['maya', 'noor']) await event(ADMIN_KEY, userId, { kind: 'custom', name: 'ping' });
    await event(other, 'ola', { kind: 'custom', name: 'ping' });
    expect((await t.server.engine.sweep()).suggestions).toBe(3);

    // after the decisions: noor opts out, and tenant-b's quiet hours begin (21:00 in Tokyo now)
    await ok(ADMIN_KEY, { method: 'PATCH', url: '/v1/users/noor', payload: { consent: 'opted_out' } });
    await policy(other, { start: '20:00', end: '08:00' });

    expect(await t.server.engine.deliver()).toMatchObject({ claimed: 3, sent: 1, failed: 1, deferred: 1 });
    expect(channels.delivered.map((c) => c.address)).toEqual(['tg-maya']);
    expect(await statusOf(ADMIN_KEY, 'maya')).toEqual({ status: 'sent', statusReason: null });
    expect(await statusOf(ADMIN_KEY, 'noor')).toEqual({
      status: 'failed',
      statusReason: 'the user opted out',
    });
    const { suggestions } = await ok(other, { method: 'GET', url: '/v1/suggestions?userId=ola&limit=1' });
    const held = (await ok(other, { method: 'GET', url: `/v1/suggestions/${suggestions[0].suggestionId}` }))
      .deliveries[0];
    // 08:00 in Tokyo (UTC+9) is 23:00Z
    expect(held).toMatchObject({
      status: 'queued',
      attempts: 0,
      nextAttemptAt: '2026-11-23T23:00:00.000Z',
      reason: 'quiet hours (20:00-08:00 local)',
    });
  });
});
