import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropicServer } from '../src/testing/fake-anthropic-server.js';
import type { FakeModelServer } from '../src/testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { PING_TRIGGER } from './helpers/triggers.js';

const SECRET_KEY = randomBytes(32).toString('base64');
const PERSONA = 'You are Luna, a gentle companion who loves gardening.';

describe.each(BACKENDS)('drafting suggestions on %s', (backend) => {
  let t: TestServer;
  let fake: FakeModelServer | undefined;
  let factId: string;
  let pings = 0;

  beforeEach(async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    pings = 0;
    await ok({
      method: 'PUT',
      url: '/v1/characters/luna',
      payload: { name: 'Luna', persona: PERSONA, voice: { tone: 'warm' } },
    });
    // approved openers are handed to the bot on the stream (the outbox is test/delivery.test.ts's)
    await ok({ method: 'PUT', url: '/v1/characters/luna/channels/stream', payload: {} });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'hello',
        kind: 'message_in',
        userId: 'maya',
        characterId: 'luna',
        at: t.clock.now().toISOString(),
        text: 'hi Luna',
      },
    });
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      payload: {
        allowProactive: true,
        quietHours: null,
        minGapMinutes: 0,
        userCaps: { perDay: 50, perWeek: 50 },
        characterCaps: { perDay: 50, perWeek: 50 },
      },
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: PING_TRIGGER,
    });
    factId = (
      await ok({
        method: 'POST',
        url: '/v1/users/maya/facts',
        payload: { text: 'Her sister Luna has surgery', mention: "your sister's surgery", salience: 0.9 },
      })
    ).factId;
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await t.close();
  });

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const db = () => t.server.engine.database.db;
  const suggestions = () =>
    db()
      .selectFrom('suggestions')
      .select(['suggestion_id', 'status', 'text', 'topic', 'composer', 'composition', 'status_reason'])
      .orderBy('created_at')
      .execute();
  /** A ping event for maya, decided: the `ping` trigger makes one suggestion of it, in drafting. */
  const decidePing = async () => {
    t.clock.advance({ minutes: 31 }); // past the gap between two messages
    pings++;
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: `ping-${pings}`,
        kind: 'custom',
        name: 'ping',
        userId: 'maya',
        characterId: 'luna',
        at: t.clock.now().toISOString(),
      },
    });
    const result = await t.server.engine.scheduler.runUntilIdle();
    expect(result.suggestions).toBe(1);
  };
  /** The same, then drafted: the suggestion as it ends. */
  const ping = async () => {
    await decidePing();
    await t.server.engine.drafter.runUntilIdle();
    return (await suggestions()).at(-1)!;
  };
  const useModel = async (provider: object) =>
    ok({ method: 'PUT', url: '/v1/llm-provider', payload: provider });
  const openAi = async (settings: object = {}) => {
    fake = await startFakeOpenAiServer();
    await useModel({
      kind: 'openai-compatible',
      baseUrl: fake.url,
      model: 'llama3.1:8b',
      apiKey: 'sk-fake',
      ...settings,
    });
    return fake;
  };

  it('writes a template opener about the best topic when no model is configured', async () => {
    const s = await ping();
    expect(s).toMatchObject({ status: 'approved', composer: 'template', status_reason: null });
    expect(s.text).toContain("your sister's surgery");
    expect(s.topic).toMatchObject({ id: `fact:${factId}`, kind: 'fact', mention: "your sister's surgery" });
    expect((s.topic as { score: { total: number } }).score.total).toBeGreaterThan(0);
    expect(s.composition).toMatchObject({ context: { source: 'builtin' } });
    expect(s.composition).not.toHaveProperty('fallback');
    // the API shows it so
    const listed = await ok({ method: 'GET', url: '/v1/suggestions?userId=maya&status=approved' });
    expect(listed.suggestions).toEqual([
      expect.objectContaining({
        suggestionId: s.suggestion_id,
        characterId: 'luna',
        triggerId: 'ping',
        status: 'approved',
        statusReason: null,
        approval: 'auto',
        text: s.text,
        topic: expect.objectContaining({ id: `fact:${factId}`, mention: "your sister's surgery" }),
        composer: 'template',
        composition: expect.objectContaining({ context: expect.objectContaining({ source: 'builtin' }) }),
      }),
    ]);
    expect(
      (await ok({ method: 'GET', url: '/v1/suggestions?userId=maya&status=pending' })).suggestions,
    ).toEqual([]);
    const bad = await t.request({ method: 'GET', url: '/v1/suggestions?userId=maya&status=later' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ path: 'query.status' });
  });

  it('waits for approval in suggest mode', async () => {
    await ok({ method: 'PATCH', url: '/v1/triggers/ping', payload: { approval: 'suggest' } });
    expect(await ping()).toMatchObject({ status: 'pending', composer: 'template' });
  });

  it("has the configured model write it, with the character's persona and the user's facts", async () => {
    await openAi();
    fake!.script({
      object: { message: 'Hi Maya! How is your sister doing after the surgery?', topicId: `fact:${factId}` },
      usage: { inputTokens: 321, outputTokens: 17 },
    });
    const s = await ping();
    expect(s).toMatchObject({
      status: 'approved',
      composer: 'openai-compatible',
      text: 'Hi Maya! How is your sister doing after the surgery?',
      topic: { id: `fact:${factId}` },
      composition: { model: 'llama3.1:8b', usage: { inputTokens: 321, outputTokens: 17 } },
    });
    const [request] = fake!.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-fake');
    const sent = JSON.stringify(request!.body);
    expect(sent).toContain(PERSONA);
    expect(sent).toContain('Her sister Luna has surgery');
    expect(sent).toContain(`fact:${factId}`);
  });

  it('gives the model the recent openers, and refuses one that repeats them', async () => {
    const first = await ping(); // the template's opener
    await openAi();
    fake!.script({ object: { message: first.text, topicId: null } });
    const s = await ping();
    expect(JSON.stringify(fake!.requests[0]!.body)).toContain(first.text!);
    expect(s.composer).toBe('template');
    expect(s.text).not.toBe(first.text);
    expect(s.composition).toMatchObject({
      fallback: { from: 'openai-compatible', reason: 'guardrail', violations: [{ rule: 'too_similar' }] },
    });
  });

  // only the timeout's case has a short timeout, against an answer that never comes in the test's
  // time: the others must not time out on a busy machine
  const failures: [string, () => object, object][] = [
    [
      'a timeout',
      () => ({ object: { message: 'late', topicId: null }, delayMs: 600_000 }),
      { reason: 'timeout' },
    ],
    [
      'a 429',
      () => ({ status: 429, headers: { 'retry-after': '20' } }),
      { reason: 'rate_limited', detail: expect.stringContaining('429') },
    ],
    ['a 500', () => ({ status: 500 }), { reason: 'http_error' }],
    ['malformed JSON', () => ({ text: '{"message": "Hi' }), { reason: 'malformed_output' }],
    [
      'an invented topic',
      () => ({ object: { message: 'Hi! How was the concert?', topicId: 'fact:nope' } }),
      { reason: 'schema_violation' },
    ],
    [
      'a guilt trip',
      () => ({ object: { message: "Don't leave me, I miss you so much!", topicId: null } }),
      { reason: 'guardrail', violations: [expect.objectContaining({ rule: 'manipulative' })] },
    ],
  ];
  for (const [what, reply, fallback] of failures) {
    it(`falls back to the template on ${what}, and records why`, async () => {
      await openAi(what === 'a timeout' ? { timeoutMs: 200 } : {});
      fake!.script(reply() as never);
      const s = await ping();
      expect(s).toMatchObject({ status: 'approved', composer: 'template' });
      expect(s.text).toContain("your sister's surgery");
      expect(s.composition).toMatchObject({
        model: 'llama3.1:8b',
        fallback: { from: 'openai-compatible', ...fallback },
      });
    });
  }

  it('writes through Anthropic too', async () => {
    fake = await startFakeAnthropicServer();
    await useModel({
      kind: 'anthropic',
      baseUrl: fake.url,
      model: 'claude-haiku-4-5',
      apiKey: 'sk-ant-fake',
    });
    fake.script({
      object: {
        message: 'Thinking of you and your sister today. How are you both?',
        topicId: `fact:${factId}`,
      },
    });
    const s = await ping();
    expect(s).toMatchObject({ composer: 'anthropic', composition: { model: 'claude-haiku-4-5' } });
    expect(fake.requests[0]!.headers['x-api-key']).toBe('sk-ant-fake');
  });

  it("uses the character's own provider over the tenant's", async () => {
    await openAi();
    await ok({ method: 'PUT', url: '/v1/characters/luna/llm-provider', payload: { kind: 'template' } });
    expect((await ping()).composer).toBe('template');
    expect(fake!.requests).toEqual([]);
  });

  it('expires a suggestion that was not drafted in time, without composing it', async () => {
    await decidePing();
    t.clock.advance({ days: 2 });
    await t.server.engine.drafter.runUntilIdle();
    expect(await suggestions()).toMatchObject([{ status: 'expired', text: null, composer: null }]);
  });

  it("leaves another instance's draft alone until its lease ends", async () => {
    await decidePing();
    const leaseUntil = new Date(t.clock.now().getTime() + 60_000);
    await sql`update suggestions set draft_token = 'dead-instance', draft_lease_until = ${leaseUntil}`.execute(
      db(),
    );
    expect(await t.server.engine.drafter.runUntilIdle()).toMatchObject({ claimed: 0 });
    expect((await suggestions())[0]!.status).toBe('drafting');
    t.clock.advance({ minutes: 2 });
    expect(await t.server.engine.drafter.runUntilIdle()).toMatchObject({ claimed: 1, composed: 1, lost: 0 });
    expect((await suggestions())[0]!.status).toBe('approved');
  });

  describe('a follow-up', () => {
    const followUp = async () => {
      await ok({
        method: 'POST',
        url: '/v1/triggers',
        payload: {
          id: 'fu',
          name: 'Follow up',
          spec: { kind: 'follow_up', delayMinutes: 120 },
          atGoodTime: false,
        },
      });
      const due = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
      return ok({
        method: 'POST',
        url: '/v1/users/maya/open-loops',
        payload: {
          sentence: 'My interview is today at 1pm',
          dueAt: due,
          characterId: 'luna',
          mention: 'your interview',
        },
      });
    };

    it('asks about its open loop, whatever else is known', async () => {
      const loop = await followUp();
      t.clock.advance({ hours: 3, minutes: 1 });
      await t.server.engine.sweep();
      const [s] = await suggestions();
      expect(s).toMatchObject({
        status: 'approved',
        composer: 'template',
        topic: { id: `loop:${loop.loopId}`, kind: 'open_loop' },
      });
      expect(s!.text).toContain('your interview');
      // the loop was closed when the suggestion was made, and is not brought up again
      const loops = await ok({ method: 'GET', url: '/v1/users/maya/open-loops' });
      expect(loops.openLoops).toMatchObject([
        { loopId: loop.loopId, status: 'closed', closedReason: 'followed_up' },
      ]);
    });

    it('says there is nothing to say when its loop is gone', async () => {
      const loop = await followUp();
      t.clock.advance({ hours: 3, minutes: 1 });
      await t.server.engine.scheduler.runUntilIdle();
      await sql`delete from open_loops where loop_id = ${loop.loopId}`.execute(db());
      await t.server.engine.drafter.runUntilIdle();
      expect(await suggestions()).toMatchObject([
        { status: 'dismissed', text: null, status_reason: 'nothing to say: the open loop is closed or gone' },
      ]);
    });
  });

  describe('an llm trigger', () => {
    const QUESTION = 'Did she mention something worth asking about this week?';
    const judged = async () => {
      await ok({
        method: 'POST',
        url: '/v1/triggers',
        payload: {
          id: 'judge',
          name: 'Worth asking?',
          spec: { kind: 'llm', question: QUESTION, cron: '0 12 * * *' },
          approval: 'auto',
        },
      });
      t.clock.advance({ minutes: 31 }); // the user wrote at 12:00: not in the middle of a conversation
      await t.server.engine.sweep();
      return suggestions();
    };

    it('asks the model first and writes only on a yes', async () => {
      await openAi();
      fake!.script([
        {
          object: { reason: 'Her sister has surgery soon.', answer: 'yes' },
          usage: { inputTokens: 90, outputTokens: 9 },
        },
        {
          object: {
            message: 'Hi Maya, thinking of your sister today. How are you holding up?',
            topicId: `fact:${factId}`,
          },
        },
      ]);
      const [s] = await judged();
      expect(s).toMatchObject({
        status: 'approved',
        composer: 'openai-compatible',
        composition: {
          judge: {
            answer: 'yes',
            reason: 'Her sister has surgery soon.',
            usage: { inputTokens: 90, outputTokens: 9 },
          },
        },
      });
      expect(fake!.requests).toHaveLength(2);
      const asked = JSON.stringify(fake!.requests[0]!.body);
      expect(asked).toContain(QUESTION);
      expect(asked).toContain('Her sister Luna has surgery');
    });

    it('sends nothing on a no, and says why', async () => {
      await openAi();
      fake!.script({ object: { reason: 'Nothing new since the last message.', answer: 'no' } });
      const [s] = await judged();
      expect(s).toMatchObject({
        status: 'dismissed',
        text: null,
        status_reason: 'the model answered no: Nothing new since the last message.',
        composition: { judge: { answer: 'no' } },
      });
      expect(fake!.requests).toHaveLength(1);
    });

    it('counts a failed answer as no', async () => {
      await openAi();
      fake!.script({ object: { answer: 'maybe' } });
      const [s] = await judged();
      expect(s).toMatchObject({
        status: 'dismissed',
        composition: { judge: { failed: 'schema_violation' } },
      });
      expect(s!.status_reason).toContain('counted as no');
    });

    it('does not call the model when nothing is known of the user', async () => {
      await openAi();
      await ok({ method: 'DELETE', url: `/v1/users/maya/facts/${factId}` });
      const [s] = await judged();
      expect(s).toMatchObject({
        status: 'dismissed',
        status_reason: 'nothing to ask about: the context is empty',
      });
      expect(fake!.requests).toEqual([]);
    });

    it('needs a language model', async () => {
      const [s] = await judged();
      expect(s).toMatchObject({ status: 'dismissed' });
      expect(s!.status_reason).toMatch(/^an llm trigger needs a language model/);
    });
  });
});
