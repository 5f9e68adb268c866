import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboundGuard } from '../net/outbound-guard.js';
import { ComposerError, type ComposerErrorReason, type LlmProvider } from '../ports/composer.js';
import { lookupFrom } from '../testing/fake-dns.js';
import type { FakeModelServer, RecordedRequest } from '../testing/fake-model-server.js';
import { startRedirectServer } from '../testing/redirect-server.js';
import { composeRequest, intentRequest, judgeRequest } from './llm.contract.js';
import type { ProviderOptions } from './model-provider.js';

const live = () => new AbortController().signal;

export interface ProviderUnderTest {
  fake: FakeModelServer;
  /** A provider pointed at the fake (or at `baseUrl`), with settings overridden, calling through `options.fetch`. */
  provider(overrides?: { timeoutMs?: number; baseUrl?: string }, options?: ProviderOptions): LlmProvider;
  /** Where this provider's wire format carries the system prompt and the user message. */
  systemOf(request: RecordedRequest): string;
  userOf(request: RecordedRequest): string;
}

async function failure(promise: Promise<unknown>): Promise<ComposerError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ComposerError);
  return error as ComposerError;
}

function expectReason(error: ComposerError, reason: ComposerErrorReason): void {
  expect({ reason: error.reason, detail: error.detail }).toEqual({ reason, detail: expect.any(String) });
}

/**
 * How a language model provider behaves against a fake of its API, through the real SDK: what it
 * sends, what it accepts, and which `ComposerError` each failure becomes.
 */
export function llmProviderContract(name: string, setup: () => Promise<ProviderUnderTest>): void {
  describe(`${name}: provider contract`, () => {
    let t: ProviderUnderTest;
    beforeEach(async () => {
      t = await setup();
    });
    afterEach(() => t.fake.close());

    it('sends the persona as system prompt and the topic, facts, recent openers and model in the request', async () => {
      t.fake.script({ object: { message: 'Hi Sam! How did your interview go?', topicId: 'loop:interview' } });
      const output = await t.provider().compose(composeRequest(), { signal: live() });
      expect(output).toEqual({
        text: 'Hi Sam! How did your interview go?',
        topicId: 'loop:interview',
        usage: { inputTokens: 42, outputTokens: 12 },
      });
      const [sent] = t.fake.requests;
      expect(t.systemOf(sent!)).toContain('You are Mia, a cheerful gardener.');
      expect(t.systemOf(sent!)).toContain('at most 160 characters');
      const user = t.userOf(sent!);
      for (const part of ['loop:interview', 'Job interview on Friday', 'fact:dog', 'Has a dog called Luna'])
        expect(user).toContain(part);
      expect(user).toContain('Hi! How is your week going?');
    });

    it('reports the token usage the provider returned', async () => {
      t.fake.script({
        object: { message: 'Hello!', topicId: null },
        usage: { inputTokens: 321, outputTokens: 9 },
      });
      const output = await t.provider().compose(composeRequest(), { signal: live() });
      expect(output.usage).toEqual({ inputTokens: 321, outputTokens: 9 });
    });

    it("accepts a fact's id or null as the topic, and refuses an invented one", async () => {
      t.fake.script([
        { object: { message: 'How is Luna?', topicId: 'fact:dog' } },
        { object: { message: 'Hi there!', topicId: null } },
        { object: { message: 'How was the wedding?', topicId: 'fact:wedding' } },
      ]);
      const p = t.provider();
      expect((await p.compose(composeRequest(), { signal: live() })).topicId).toBe('fact:dog');
      expect((await p.compose(composeRequest(), { signal: live() })).topicId).toBeNull();
      const error = await failure(p.compose(composeRequest(), { signal: live() }));
      expectReason(error, 'schema_violation');
      expect(error.detail).toContain('fact:wedding');
    });

    it("turns an answer without a message, or a blank one, into 'schema_violation'", async () => {
      t.fake.script([{ object: { topicId: null } }, { object: { message: '   ', topicId: null } }]);
      for (let i = 0; i < 2; i++) {
        const error = await failure(t.provider().compose(composeRequest(), { signal: live() }));
        expectReason(error, 'schema_violation');
        expect(error.detail).toMatch(/^message: /);
      }
    });

    it("turns content that is not JSON into 'malformed_output'", async () => {
      t.fake.script({ text: '{"message": "Hi!", "topicId": ' });
      expectReason(
        await failure(t.provider().compose(composeRequest(), { signal: live() })),
        'malformed_output',
      );
    });

    it("turns an answer slower than timeoutMs into 'timeout'", async () => {
      t.fake.script({ object: { message: 'Too late', topicId: null }, delayMs: 10_000 });
      const error = await failure(
        t.provider({ timeoutMs: 150 }).compose(composeRequest(), { signal: live() }),
      );
      expect(error).toMatchObject({ reason: 'timeout', detail: 'no answer within 150 ms' });
    });

    it("turns the caller's abort during the call into 'aborted', not 'timeout'", async () => {
      t.fake.script({ object: { message: 'Too late', topicId: null }, delayMs: 10_000 });
      const controller = new AbortController();
      const call = t.provider({ timeoutMs: 60_000 }).compose(composeRequest(), { signal: controller.signal });
      while (t.fake.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error('engine shutting down'));
      expectReason(await failure(call), 'aborted');
    });

    it('sends nothing when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      expectReason(
        await failure(t.provider().compose(composeRequest(), { signal: controller.signal })),
        'aborted',
      );
      expect(t.fake.requests).toHaveLength(0);
    });

    it("turns 429 with retry-after into 'rate_limited' with retryAfterMs, without retrying", async () => {
      t.fake.script({ status: 429, headers: { 'retry-after': '20' } });
      const error = await failure(t.provider().compose(composeRequest(), { signal: live() }));
      expect(error).toMatchObject({ reason: 'rate_limited', status: 429, retryAfterMs: 20_000 });
      expect(error.detail).toBe('429, retry after 20 s');
      expect(t.fake.requests).toHaveLength(1);
    });

    it.each([500, 401])(
      "turns HTTP %i into 'http_error' with the status, without retrying",
      async (status) => {
        t.fake.script({ status });
        const error = await failure(t.provider().compose(composeRequest(), { signal: live() }));
        expect(error).toMatchObject({ reason: 'http_error', status });
        expect(error.detail).toMatch(new RegExp(`^HTTP ${status}`));
        expect(t.fake.requests).toHaveLength(1);
      },
    );

    it("turns a reset connection into 'unreachable'", async () => {
      t.fake.script({ reset: true });
      expectReason(await failure(t.provider().compose(composeRequest(), { signal: live() })), 'unreachable');
    });

    it("turns a refused connection (a closed port) into 'unreachable'", async () => {
      const closedUrl = t.fake.url;
      await t.fake.close();
      const error = await failure(
        t.provider({ baseUrl: closedUrl }).compose(composeRequest(), { signal: live() }),
      );
      expectReason(error, 'unreachable');
      expect(error.detail).toContain('ECONNREFUSED');
    });

    describe('outbound guard (the address is checked when the connection is made)', () => {
      const lookup = lookupFrom({ 'models.test': '127.0.0.1' });
      const guard = new OutboundGuard({ trustedTenants: ['default'], allow: [] }, { lookup });
      const compose = (provider: LlmProvider) =>
        failure(provider.compose(composeRequest(), { signal: live() }));

      it('refuses a model server on a loopback address for a tenant the operator does not trust, naming the rule', async () => {
        t.fake.script({ status: 500, body: { error: { message: 'internal secret 4711' } } });
        const error = await compose(t.provider({}, { fetch: guard.fetchFor('acme') }));
        expect(error.reason).toBe('unreachable');
        expect(error.detail).toBe(
          'outbound call refused: 127.0.0.1 is a loopback address (127.0.0.0/8), which only tenants the operator trusts may call',
        );
        expect(t.fake.requests).toHaveLength(0);
      });

      it("calls it for the operator's trusted tenant", async () => {
        t.fake.script({ object: { message: 'Hi Sam!', topicId: null } });
        const output = await t.provider({}, { fetch: guard.fetchFor('default') }).compose(composeRequest(), {
          signal: live(),
        });
        expect(output.text).toBe('Hi Sam!');
      });

      it('refuses a host name that resolves to a loopback address, after DNS; the allow-list admits it', async () => {
        const baseUrl = t.fake.url.replace('127.0.0.1', 'models.test');
        const error = await compose(t.provider({ baseUrl }, { fetch: guard.fetchFor('acme') }));
        expect(error.detail).toContain('models.test resolves to a loopback address (127.0.0.0/8)');
        expect(t.fake.requests).toHaveLength(0);
        t.fake.script({ object: { message: 'Hi Sam!', topicId: null } });
        const allowing = new OutboundGuard({ trustedTenants: [], allow: ['models.test'] }, { lookup });
        const output = await t
          .provider({ baseUrl }, { fetch: allowing.fetchFor('acme') })
          .compose(composeRequest(), {
            signal: live(),
          });
        expect(output.text).toBe('Hi Sam!');
      });

      it('refuses link-local and metadata addresses even for a trusted tenant', async () => {
        const error = await compose(
          t.provider({ baseUrl: 'http://169.254.169.254/v1' }, { fetch: guard.fetchFor('default') }),
        );
        expect(error).toMatchObject({ reason: 'unreachable', detail: expect.stringContaining('link-local') });
      });

      it('refuses a redirect and does not follow it', async () => {
        const redirector = await startRedirectServer(new URL(t.fake.url).origin);
        try {
          const baseUrl = t.fake.url.replace(new URL(t.fake.url).origin, redirector.origin);
          const error = await compose(t.provider({ baseUrl }, { fetch: guard.fetchFor('default') }));
          expect(error).toMatchObject({
            reason: 'unreachable',
            detail: 'redirect refused: HTTP 307 (never followed)',
          });
          expect(redirector.hits()).toBe(1);
          expect(t.fake.requests).toHaveLength(0);
        } finally {
          await redirector.close();
        }
      });
    });

    it('answers a yes/no question with its reason, from the context it was given', async () => {
      t.fake.script([
        { object: { reason: 'The exam is on Thursday.', answer: 'yes' } },
        { object: { reason: 'Nothing says so.', answer: 'no' } },
      ]);
      const p = t.provider();
      expect(await p.judge(judgeRequest(), { signal: live() })).toEqual({
        answer: true,
        reason: 'The exam is on Thursday.',
        usage: { inputTokens: 42, outputTokens: 12 },
      });
      expect((await p.judge(judgeRequest(), { signal: live() })).answer).toBe(false);
      const user = t.userOf(t.fake.requests[0]!);
      for (const part of [
        'Did the user mention an exam this week?',
        'fact:exam',
        'chemistry exam',
        '2026-03-02',
      ])
        expect(user).toContain(part);
      expect(t.fake.requests[0]!.schema).toMatchObject({ properties: { answer: { enum: ['yes', 'no'] } } });
    });

    it("refuses a judgement that is not yes or no, or gives no reason, as 'schema_violation'", async () => {
      t.fake.script([{ object: { reason: 'Hard to say.', answer: 'maybe' } }, { object: { answer: 'yes' } }]);
      for (const path of ['answer', 'reason']) {
        const error = await failure(t.provider().judge(judgeRequest(), { signal: live() }));
        expectReason(error, 'schema_violation');
        expect(error.detail).toMatch(new RegExp(`^${path}: `));
      }
    });

    describe('readIntent', () => {
      const read = (p: LlmProvider, signal = live()) => p.readIntent(intentRequest(), { signal });

      it('reads a reply at a step as one of its choices, with its reason and the tokens', async () => {
        t.fake.script({
          object: { reason: 'They agree and name a time.', intent: 'advance', choiceId: 'plan' },
          usage: { inputTokens: 210, outputTokens: 17 },
        });
        expect(await read(t.provider())).toEqual({
          intent: 'advance',
          choiceId: 'plan',
          reason: 'They agree and name a time.',
          usage: { inputTokens: 210, outputTokens: 17 },
        });
        const [sent] = t.fake.requests;
        expect(t.systemOf(sent!)).toContain('You are Mia, a cheerful gardener.');
        const user = t.userOf(sent!);
        for (const part of [
          'Shall we plan your first week of training together?',
          "[plan] (advance) Yes, let's plan",
          '[later] (decline) Not now',
          '"sure, mornings work best for me"',
        ])
          expect(user).toContain(part);
        expect(sent!.schema).toMatchObject({
          properties: { intent: { enum: ['advance', 'decline', 'other'] } },
          required: ['reason', 'intent', 'choiceId'],
        });
      });

      it('reads a refusal with or without its choice, and an unrelated reply with none', async () => {
        t.fake.script([
          { object: { reason: 'They postpone.', intent: 'decline', choiceId: 'later' } },
          { object: { reason: 'They say no.', intent: 'decline', choiceId: null } },
          { object: { reason: 'They ask about the weather.', intent: 'other', choiceId: null } },
        ]);
        const p = t.provider();
        const readings = [await read(p), await read(p), await read(p)];
        expect(readings.map((r) => [r.intent, r.choiceId])).toEqual([
          ['decline', 'later'],
          ['decline', null],
          ['other', null],
        ]);
      });

      it("refuses an invented choiceId, a choice whose action is not the intent, and a choice with 'other' as 'schema_violation'", async () => {
        t.fake.script([
          { object: { reason: 'They agree.', intent: 'advance', choiceId: 'start' } },
          { object: { reason: 'They agree.', intent: 'advance', choiceId: 'later' } },
          { object: { reason: 'They refuse.', intent: 'decline', choiceId: 'plan' } },
          { object: { reason: 'Unrelated.', intent: 'other', choiceId: 'plan' } },
        ]);
        const details: string[] = [];
        for (let i = 0; i < 4; i++) {
          const error = await failure(read(t.provider()));
          expectReason(error, 'schema_violation');
          details.push(error.detail);
        }
        expect(details).toEqual([
          'choiceId: "start" is not a given id',
          'choiceId: "later" is a choice to decline, but the intent is advance',
          'choiceId: "plan" is a choice to advance, but the intent is decline',
          'choiceId: "plan" is a choice to advance, but the intent is other',
        ]);
      });

      it("refuses an intent outside the three, or no reason, as 'schema_violation'", async () => {
        t.fake.script([
          { object: { reason: 'Hard to say.', intent: 'maybe', choiceId: null } },
          { object: { intent: 'advance', choiceId: 'plan' } },
        ]);
        for (const path of ['intent', 'reason']) {
          const error = await failure(read(t.provider()));
          expectReason(error, 'schema_violation');
          expect(error.detail).toMatch(new RegExp(`^${path}: `));
        }
      });

      it("turns content that is not JSON into 'malformed_output'", async () => {
        t.fake.script({ text: '{"reason": "They agree.", "intent": "adv' });
        expectReason(await failure(read(t.provider())), 'malformed_output');
      });

      it("turns an answer slower than timeoutMs into 'timeout'", async () => {
        t.fake.script({ object: { reason: 'Late.', intent: 'other', choiceId: null }, delayMs: 10_000 });
        const error = await failure(read(t.provider({ timeoutMs: 150 })));
        expect(error).toMatchObject({ reason: 'timeout', detail: 'no answer within 150 ms' });
      });

      it("turns the caller's abort during the call into 'aborted', and sends nothing once aborted", async () => {
        t.fake.script({ object: { reason: 'Late.', intent: 'other', choiceId: null }, delayMs: 10_000 });
        const controller = new AbortController();
        const call = read(t.provider({ timeoutMs: 60_000 }), controller.signal);
        while (t.fake.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
        controller.abort(new Error('engine shutting down'));
        expectReason(await failure(call), 'aborted');
        expectReason(await failure(read(t.provider(), controller.signal)), 'aborted');
        expect(t.fake.requests).toHaveLength(1);
      });
    });
  });
}
