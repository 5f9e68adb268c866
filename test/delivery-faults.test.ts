import { randomBytes } from 'node:crypto';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import type { ConfigInput } from '../src/config/config.js';
import type { ChannelAdapterFactory } from '../src/ports/channel.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { discordReplies, startFakeDiscordServer } from '../src/testing/fake-discord-server.js';
import type { FakeModelServer } from '../src/testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { PING_TRIGGER } from './helpers/triggers.js';

/**
 * A query that fails once: the first statement whose operation tree (as JSON: a raw statement's
 * text, a built one's table names) matches the armed pattern throws before reaching the database,
 * as a dropped connection or a statement timeout would.
 */
class FailOnce implements KyselyPlugin {
  #armed: RegExp | null = null;
  failures = 0;

  arm(pattern: RegExp) {
    this.#armed = pattern;
  }

  transformQuery({ node }: PluginTransformQueryArgs) {
    if (this.#armed?.test(JSON.stringify(node))) {
      this.#armed = null;
      this.failures++;
      throw new Error('injected: Connection terminated unexpectedly');
    }
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs) {
    return result;
  }
}

const USERS = ['maya', 'noor', 'ola', 'ben'];

/**
 * What the delivery worker does around a send that is not the platform's answer: a database error
 * before the hand-over (issue 16, item 4), an earlier attempt that may have arrived (item 5), and
 * the rules that depend on what happened since the decision (item 18).
 */
describe.each(BACKENDS)('delivery around the send on %s', (backend) => {
  let engine: Engine;
  let clock: FakeClock;
  let model: FakeModelServer;
  let fault: FailOnce;
  let pings = 0;
  const closing: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  /** An engine on its own database with `luna` on `channel`, USERS each with an address and a message. */
  const start = async (
    channels: ChannelAdapterFactory | undefined,
    channel: { channel: 'telegram' | 'discord'; settings: Record<string, unknown> },
    policy: Record<string, unknown> = {},
    config: ConfigInput = {},
  ) => {
    clock = new FakeClock('2026-11-23T12:00:00Z');
    fault = new FailOnce();
    pings = 0;
    const database = await openTestDatabase(backend);
    engine = await createEngine(
      { logLevel: 'silent', scheduler: false, secretKey: randomBytes(32).toString('hex'), ...config },
      {
        clock,
        database: { ...database, db: database.db.withPlugin(fault), close: () => database.close() },
        ...(channels ? { channels } : {}),
      },
    );
    closing.push(() => engine.close());
    // each opener in its own words, so that none is refused as a repeat of the last
    model = await startFakeOpenAiServer({
      otherwise: () => ({
        object: {
          message: Array.from({ length: 6 }, () => randomBytes(4).toString('hex')).join(' '),
          topicId: null,
        },
      }),
    });
    closing.push(() => model.close());
    const tenant = engine.forTenant('default');
    await tenant.putLlmProvider(null, { kind: 'openai-compatible', baseUrl: model.url, model: 'fake' });
    await tenant.putCharacter('luna', { name: 'Luna' });
    await tenant.putChannel('luna', channel.channel, channel.settings as never);
    for (const userId of USERS) {
      await tenant.updateUser(userId, {
        addresses: { [channel.channel]: `${9000 + USERS.indexOf(userId)}` },
      });
      await write(userId, `hello-${userId}`);
    }
    await tenant.putPolicy({ ...OPEN_POLICY, midConversationMinutes: 0, ...policy });
    await tenant.createTrigger(PING_TRIGGER);
    await tenant.createTrigger({
      id: 'ask',
      name: 'Ask first',
      spec: { kind: 'event', event: 'ask' },
      approval: 'suggest',
      cooldownMinutes: 0,
    });
  };
  const tenant = () => engine.forTenant('default');
  /** The user writes to luna now. */
  const write = (userId: string, id = `m-${randomBytes(4).toString('hex')}`) =>
    tenant().ingest({
      id,
      kind: 'message_in',
      userId,
      characterId: 'luna',
      at: clock.now().toISOString(),
      text: 'hi',
    });
  /** A `ping` (or another event) for each user, 31 minutes on, decided and drafted: the suggestions made. */
  const ping = async (users: string[], event = 'ping') => {
    clock.advance({ minutes: 31 });
    pings++;
    for (const userId of users)
      await tenant().ingest({
        id: `${event}-${pings}`,
        kind: 'custom',
        name: event,
        userId,
        characterId: 'luna',
        at: clock.now().toISOString(),
      });
    const { suggestions } = await engine.sweep();
    return suggestions;
  };
  const latestOf = async (userId: string) => {
    const { suggestions } = await tenant().listSuggestions({ userId, limit: 1 });
    return tenant().getSuggestion(suggestions[0]!.suggestionId);
  };

  describe('a database error before the send (item 4)', () => {
    const faults: [string, RegExp][] = [
      ['the users read by the send-time gate', /select user_id, consent, timezone/],
      ['the channel lookup', /"channel_settings"/],
      ['the hand-over', /with held as/],
    ];
    it.each(faults)(
      'puts the deliveries back in the queue, unsent, when %s fails, and sends them later',
      async (what, pattern) => {
        const channels = new RecordingChannel();
        await start(channels.factory, { channel: 'telegram', settings: { token: '123456:telegram-token' } });
        expect(await ping(USERS)).toBe(USERS.length);
        fault.arm(pattern);
        await engine.deliver();
        expect(fault.failures).toBe(1);
        const unsent = USERS.length - channels.calls.length;
        // past the retry's delay (at most the 30 s base) and past a lapsed lease (45 s): recovery runs
        clock.advance({ seconds: 46 });
        await engine.deliver();
        const statuses = await Promise.all(USERS.map(async (u) => (await latestOf(u)).status));
        console.log(
          `[item 4, ${backend}] ${what} failed once for ${unsent} of ${USERS.length} claimed deliveries: ` +
            `${statuses.filter((s) => s === 'unknown').length} unknown, ${statuses.filter((s) => s === 'sent').length} sent`,
        );
        expect(statuses).toEqual(USERS.map(() => 'sent'));
        expect(channels.calls).toHaveLength(USERS.length);
        for (const userId of USERS) {
          const [d] = (await latestOf(userId)).deliveries;
          // the attempt that never reached the platform is not counted
          expect(d).toMatchObject({ status: 'sent', attempts: 1 });
          expect(d!.attemptLog).toMatchObject([{ attempt: 1, outcome: 'sent' }]);
        }
      },
    );
  });

  it('counts a delivery that may have arrived against the caps, however its later attempts end (item 5)', async () => {
    const token = 'discord-bot-token';
    const discord = await startFakeDiscordServer({ token });
    closing.push(() => discord.close());
    await start(
      undefined,
      { channel: 'discord', settings: { token, apiBase: discord.apiBase } },
      { userCaps: { perDay: 1, perWeek: 50 } },
      { deliveryMaxAttempts: 3 },
    );
    expect(await ping(['maya'])).toBe(1);
    // delivered, the answer lost; then the platform fails twice
    discord.script('createMessage', [
      { reset: 'after-body' },
      discordReplies.serverError(),
      discordReplies.serverError(),
    ]);
    for (let i = 0; i < 3; i++) {
      await engine.deliver();
      clock.advance({ hours: 1 });
    }
    const first = await latestOf('maya');
    expect(first.deliveries[0]!.attemptLog.map((a) => a.outcome)).toEqual(['unknown', 'retry', 'retry']);
    // a second reason to speak the same local day (UTC here): the cap of one a day holds it back
    await ping(['maya']);
    await engine.deliver();
    const toMaya = discord.delivered.filter((m) => m.recipientId === '9000');
    console.log(
      `[item 5, ${backend}] messages that reached maya on 2026-11-23 (userCaps.perDay = 1): ${toMaya.length}; ` +
        `the first delivery ended ${first.deliveries[0]!.status}`,
    );
    expect(toMaya).toHaveLength(1);
    expect(first).toMatchObject({
      status: 'unknown',
      statusReason:
        'gave up after 3 attempts: discord 500: Internal Server Error; an earlier attempt may have been delivered',
    });
    const second = await latestOf('maya');
    expect(second.suggestionId).toBe(first.suggestionId);
    // a person who checked can still settle it
    await tenant().reportDelivery(first.deliveries[0]!.deliveryId, { status: 'sent' });
    expect((await latestOf('maya')).status).toBe('sent');
  });

  describe('the rules that depend on what happened since the decision, checked as the message leaves (item 18)', () => {
    it('holds a message past the day cap counted in messages that left, when one decided yesterday went out today', async () => {
      const channels = new RecordingChannel();
      await start(
        channels.factory,
        { channel: 'telegram', settings: { token: '123456:telegram-token' } },
        { userCaps: { perDay: 1, perWeek: 50 } },
      );
      // decided on the 23rd (it counts for that day), approved and sent on the 24th
      expect(await ping(['maya'], 'ask')).toBe(1);
      const yesterday = await latestOf('maya');
      clock.advance({ hours: 20, minutes: 29 });
      await tenant().approveSuggestion(yesterday.suggestionId);
      await engine.deliver();
      expect(channels.delivered).toHaveLength(1);
      // another reason to speak on the 24th: decided (the cap counts decisions by the day they were made)...
      expect(await ping(['maya'])).toBe(1);
      await engine.deliver();
      // ...but held as it leaves: one message has reached the user today already
      expect(channels.delivered).toHaveLength(1);
      expect((await latestOf('maya')).deliveries[0]).toMatchObject({
        status: 'queued',
        attempts: 0,
        reason: "the user's cap of 1 messages a day was reached",
        nextAttemptAt: '2026-11-25T00:00:00.000Z',
      });
      clock.advance({ hours: 15 });
      await engine.deliver();
      expect(channels.delivered).toHaveLength(2);
    });

    it('holds a retry that comes while the user is writing until the conversation is over', async () => {
      const channels = new RecordingChannel();
      await start(
        channels.factory,
        { channel: 'telegram', settings: { token: '123456:telegram-token' } },
        { midConversationMinutes: 30 },
      );
      expect(await ping(['maya'])).toBe(1);
      channels.script({ outcome: 'retry', reason: 'HTTP 502: Bad Gateway', retryAfterMs: null });
      await engine.deliver();
      // the user writes as the retry waits; it is due within 30 s
      clock.advance({ seconds: 20 });
      await write('maya');
      const wrote = clock.now().getTime();
      clock.advance({ seconds: 90 });
      await engine.deliver();
      expect(channels.delivered).toHaveLength(0);
      const held = (await latestOf('maya')).deliveries[0]!;
      expect(held).toMatchObject({
        status: 'queued',
        attempts: 1,
        reason: 'mid-conversation (the user wrote less than 30 minutes before)',
        nextAttemptAt: new Date(wrote + 30 * 60_000).toISOString(),
      });
      clock.advance({ minutes: 29 });
      await engine.deliver();
      expect(channels.delivered).toHaveLength(1);
      expect((await latestOf('maya')).deliveries[0]).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('holds a suggestion a person approves a minute after the user wrote', async () => {
      const channels = new RecordingChannel();
      await start(
        channels.factory,
        { channel: 'telegram', settings: { token: '123456:telegram-token' } },
        { midConversationMinutes: 30 },
      );
      expect(await ping(['maya'], 'ask')).toBe(1);
      const pending = await latestOf('maya');
      expect(pending.status).toBe('pending');
      await write('maya');
      clock.advance({ minutes: 1 });
      await tenant().approveSuggestion(pending.suggestionId);
      await engine.deliver();
      expect(channels.delivered).toHaveLength(0);
      expect((await latestOf('maya')).deliveries[0]).toMatchObject({
        status: 'queued',
        attempts: 0,
        reason: 'mid-conversation (the user wrote less than 30 minutes before)',
      });
      clock.advance({ minutes: 29 });
      await engine.deliver();
      expect(channels.delivered).toHaveLength(1);
    });
  });
});
