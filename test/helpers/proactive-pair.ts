import { expect } from 'vitest';
import { type FakeTelegramServer, startFakeTelegramServer } from '../../src/testing/fake-telegram-server.js';
import type { Backend } from './backends.js';
import { OPEN_POLICY } from './policies.js';
import { startTestServer, type TestServer } from './test-server.js';
import { PING_TRIGGER } from './triggers.js';

const TELEGRAM_TOKEN = '123456:telegram-test-token';
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');

/**
 * A server where character `aria` sends Maya (Berlin, Telegram 4242, who wrote first) a proactive
 * message through the real Telegram client to its fake server each time a `ping` event arrives:
 * for tests of what happens to messages once sent. `policy` is spread over OPEN_POLICY.
 */
export async function startProactivePair(backend: Backend, policy: Record<string, unknown> = {}) {
  const telegram: FakeTelegramServer = await startFakeTelegramServer({ token: TELEGRAM_TOKEN });
  const t: TestServer = await startTestServer(backend, { secretKey: SECRET_KEY });
  let pings = 0;
  let events = 0;

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, `${options.method} ${options.url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const at = (offsetMs = 0) => new Date(t.clock.now().getTime() + offsetMs).toISOString();
  /** `userId` writes to `characterId` (Maya to Aria by default); the ingest answer. */
  const write = (
    text: string,
    over: { id?: string; at?: string; userId?: string; characterId?: string } = {},
  ) =>
    ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: over.id ?? `in-${++events}`,
        kind: 'message_in',
        userId: over.userId ?? 'maya',
        characterId: over.characterId ?? 'aria',
        at: over.at ?? at(),
        text,
      },
    });
  /** A `ping` for the pair, then a sweep: the number of suggestions it made. */
  const ping = async (pair = { userId: 'maya', characterId: 'aria' }) => {
    pings++;
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: { id: `ping-${pings}`, kind: 'custom', name: 'ping', ...pair, at: at() },
    });
    return (await t.server.engine.sweep()).suggestions;
  };
  /** Sends what is approved: how many messages left. */
  const deliver = async () => (await t.server.engine.deliver()).sent;
  /** PUTs OPEN_POLICY with `over` on it. */
  const setPolicy = (over: Record<string, unknown>) =>
    ok({ method: 'PUT', url: '/v1/policy', payload: { ...OPEN_POLICY, ...over } });
  const latestDecision = async (userId = 'maya') =>
    (await ok({ method: 'GET', url: `/v1/decisions?userId=${userId}&limit=1` })).decisions[0];

  await ok({ method: 'PUT', url: '/v1/characters/aria', payload: { name: 'Aria' } });
  await ok({
    method: 'PUT',
    url: '/v1/characters/aria/channels/telegram',
    payload: { token: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot },
  });
  await setPolicy(policy);
  await ok({ method: 'POST', url: '/v1/triggers', payload: PING_TRIGGER });
  await ok({
    method: 'PATCH',
    url: '/v1/users/maya',
    payload: { timezone: 'Europe/Berlin', addresses: { telegram: '4242' } },
  });
  await write('hi!');
  t.clock.advance({ minutes: 31 });

  return {
    t,
    telegram,
    ok,
    at,
    write,
    ping,
    deliver,
    latestDecision,
    setPolicy,
    close: async () => {
      await t.close();
      await telegram.close();
    },
  };
}

export type ProactivePair = Awaited<ReturnType<typeof startProactivePair>>;
