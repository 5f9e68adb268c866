import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchFunction } from '../net/guarded-fetch.js';
import { OutboundGuard } from '../net/outbound-guard.js';
import {
  type ChannelAdapter,
  IDEMPOTENT_CHANNELS,
  type OutboundMessage,
  type SendResult,
} from '../ports/channel.js';
import { lookupFrom } from '../testing/fake-dns.js';
import { startRedirectServer } from '../testing/redirect-server.js';

/** What reached the user at the fake, whatever the platform calls it. */
export interface DeliveredMessage {
  address: string;
  text: string;
  /** The platform's id for it, which `sent` must report. */
  externalId: string;
  /** The buttons that came with it, flattened in order (data as the bot gets it back); empty for none. */
  choices: { label: string; data: string }[];
}

export interface AdapterOptions {
  /** Point the adapter at another server (`http://127.0.0.1:<port>`) instead of the fake. */
  origin?: string;
  /** Give it a credential the fake refuses (a wrong token, a wrong webhook secret). */
  wrongCredential?: boolean;
  /** Default: a generous 60 s, so a loaded machine never fails a test that is not about time. */
  timeoutMs?: number;
  /** The fetch every request goes through (a tenant's guarded fetch); default the adapter's own. */
  fetch?: FetchFunction;
}

/**
 * One adapter over its real client library and a fake of its platform. The `script...` methods
 * queue one reply for the request that carries the message (the post, after any DM opening).
 */
export interface ChannelHarness {
  /** A user address the fake knows. */
  address: string;
  /** The fake's origin (`http://127.0.0.1:<port>`), as `AdapterOptions.origin` takes it. */
  origin: string;
  /** How many requests one send makes (a DM opening and a post: 2). */
  requestsPerSend: number;
  adapter(options?: AdapterOptions): ChannelAdapter;
  delivered(): DeliveredMessage[];
  /** Requests the fake received, refused ones included. */
  requestCount(): number;
  /** Scripts one of the factory's `unreachable` refusals. */
  scriptUnreachable(name: string): void;
  scriptRateLimited(seconds: number): void;
  scriptServerError(): void;
  /** The message is delivered at once and its answer comes after `ms`. */
  scriptSlowAnswer(ms: number): void;
  /** The message is delivered and the connection dropped before the answer. */
  scriptLostAnswer(): void;
  /** The connection is dropped as soon as the request arrives. */
  scriptResetOnArrival(): void;
  close(): Promise<void>;
}

export interface ChannelFactory {
  /** The adapter's `channel`. */
  name: string;
  /**
   * How a message's choices arrive: `buttons`, structured, each with its data (the platform's
   * buttons, or the webhook body's `choices` for the bot to show), or `text`, a line of their
   * labels after the message, to reply with.
   */
  choicesAs: 'buttons' | 'text';
  /** The platform's ways of saying an address cannot be written to, named for the test titles. */
  unreachable: string[];
  start(): Promise<ChannelHarness>;
}

/** A short timeout against a long fake delay: far apart, so no test depends on tight timing. */
const SHORT_TIMEOUT_MS = 300;
const SLOW_ANSWER_MS = 2_000;

let deliveries = 0;

/** A message with every field filled in and a fresh delivery id; tests change what they are about. */
export function outboundMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  deliveries += 1;
  return {
    deliveryId: `dlv_${deliveries}_${process.pid}`,
    tenantId: 'tenant-1',
    userId: 'user-7',
    characterId: 'char:mia',
    suggestionId: `sug_${deliveries}`,
    address: 'set-by-the-harness',
    audience: 'private',
    text: `Hi! How did your interview go? (#${deliveries})`,
    attempt: 1,
    ...overrides,
  };
}

/** A port nothing listens on: a server's, once closed. */
export async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Resolves once `condition` holds, checking between turns of the event loop (no sleeping). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

const live = () => new AbortController().signal;

/**
 * The most choices a message may carry, with labels beyond ASCII and the longest data: 32
 * two-byte characters are 64 bytes.
 */
const EIGHT_CHOICES = [
  { label: "Yes, let's plan", data: 'step:plan/yes' },
  { label: 'Not now', data: 'step:plan/no' },
  { label: 'Später vielleicht', data: 'ü'.repeat(32) },
  { label: 'Tell me more', data: 'step:plan/more' },
  { label: 'Saturday', data: 'day:sat' },
  { label: 'Sunday', data: 'day:sun' },
  { label: '日曜日の朝', data: 'day:sun-am' },
  { label: 'Stop asking', data: 'x'.repeat(64) },
] as const;

/** Choices no channel sends, with what the reason must say. */
const UNSENDABLE_CHOICES: [string, OutboundMessage['choices'], string][] = [
  ['nine choices', [...EIGHT_CHOICES, { label: 'One more', data: 'more' }], '9 choices, at most 8'],
  ['data of 65 bytes', [{ label: 'Yes', data: 'y'.repeat(65) }], "choice 1's data is 65 bytes, at most 64"],
  [
    'data of 33 two-byte characters (66 bytes)',
    [
      { label: 'Yes', data: 'ok' },
      { label: 'No', data: 'é'.repeat(33) },
    ],
    "choice 2's data is 66 bytes, at most 64",
  ],
  ['empty data', [{ label: 'Yes', data: '' }], 'choice 1 has empty data'],
  ['a blank label', [{ label: '  ', data: 'yes' }], 'choice 1 has an empty label'],
];

/** `platform.test` is the loopback address, without DNS. */
const testLookup = lookupFrom({ 'platform.test': '127.0.0.1' });

/**
 * What every delivery channel adapter promises, through its real client library against a fake
 * of its platform over HTTP: how each kind of failure is classified, that a send never hangs
 * and never throws, and that `idempotent` tells the truth.
 */
export function channelContract(factory: ChannelFactory): void {
  describe(`${factory.name}: channel contract`, () => {
    let h: ChannelHarness;
    let message: OutboundMessage;
    beforeEach(async () => {
      h = await factory.start();
      message = outboundMessage({ address: h.address });
    });
    afterEach(() => h.close());

    it("delivers the text to the address and reports the platform's id", async () => {
      const result = await h.adapter().send(message, live());
      expect(h.delivered()).toMatchObject([{ address: h.address, text: message.text }]);
      expect(result).toEqual({ outcome: 'sent', externalId: h.delivered()[0]!.externalId });
    });

    describe('choices', () => {
      it(`sends every choice with the text, in order, as ${factory.choicesAs}`, async () => {
        const withChoices = { ...message, choices: EIGHT_CHOICES };
        const result = await h.adapter().send(withChoices, live());
        const [delivered] = h.delivered();
        expect(result).toEqual({ outcome: 'sent', externalId: delivered?.externalId });
        if (factory.choicesAs === 'buttons') {
          expect(h.delivered()).toEqual([
            {
              address: h.address,
              text: message.text,
              externalId: delivered!.externalId,
              choices: EIGHT_CHOICES,
            },
          ]);
          return;
        }
        // as text: the message as it was, then each label in order, and no buttons
        expect(h.delivered()).toMatchObject([{ address: h.address, choices: [] }]);
        expect(delivered!.text.startsWith(`${message.text}\n`)).toBe(true);
        let from = message.text.length;
        for (const { label } of EIGHT_CHOICES) {
          const at = delivered!.text.indexOf(label, from);
          expect(at, `"${label}" after the earlier labels`).toBeGreaterThan(0);
          from = at + label.length;
        }
      });

      it.each([
        ['absent', undefined],
        ['empty', []],
      ])('sends a plain message when the choices are %s', async (_, choices) => {
        const result = await h.adapter().send({ ...message, choices }, live());
        expect(h.delivered()).toEqual([
          { address: h.address, text: message.text, externalId: expect.any(String), choices: [] },
        ]);
        expect(result).toEqual({ outcome: 'sent', externalId: h.delivered()[0]!.externalId });
      });

      it.each(UNSENDABLE_CHOICES)(
        'refuses %s as permanent, saying why and sending nothing',
        async (_, choices, problem) => {
          const result = await h.adapter().send({ ...message, choices }, live());
          expect(result).toEqual({
            outcome: 'permanent',
            reason: `${factory.name}: ${problem}`,
            unreachable: false,
          });
          expect(h.requestCount()).toBe(0);
        },
      );
    });

    it('names its channel', () => {
      expect(h.adapter().channel).toBe(factory.name);
    });

    it('is idempotent exactly when the engine resends its lost sends (IDEMPOTENT_CHANNELS)', () => {
      const adapter = h.adapter();
      expect(adapter.idempotent).toBe(IDEMPOTENT_CHANNELS.includes(adapter.channel));
    });

    it.each(factory.unreachable)('classifies "%s" as permanent and unreachable', async (name) => {
      h.scriptUnreachable(name);
      const result = await h.adapter().send(message, live());
      expect(result).toEqual({ outcome: 'permanent', reason: expect.any(String), unreachable: true });
      expect(h.delivered()).toEqual([]);
    });

    it("classifies a credential the platform refuses as permanent, not the address's fault", async () => {
      const result = await h.adapter({ wrongCredential: true }).send(message, live());
      expect(result).toEqual({ outcome: 'permanent', reason: expect.any(String), unreachable: false });
      expect(h.delivered()).toEqual([]);
    });

    it('retries a 429 after exactly the wait the platform asked for, without waiting itself', async () => {
      h.scriptRateLimited(7);
      const result = await h.adapter().send(message, live());
      expect(result).toEqual({ outcome: 'retry', reason: expect.any(String), retryAfterMs: 7_000 });
      expect(h.requestCount()).toBe(h.requestsPerSend);
    });

    it('sends normally again after a rate limit', async () => {
      const adapter = h.adapter();
      h.scriptRateLimited(1);
      expect((await adapter.send(message, live())).outcome).toBe('retry');
      expect(await adapter.send({ ...message, attempt: 2 }, live())).toMatchObject({ outcome: 'sent' });
      expect(h.delivered()).toHaveLength(1);
    });

    it('retries a server error, which the library does not retry on its own', async () => {
      h.scriptServerError();
      const result = await h.adapter().send(message, live());
      expect(result).toEqual({ outcome: 'retry', reason: expect.any(String), retryAfterMs: null });
      expect(h.requestCount()).toBe(h.requestsPerSend);
      expect(h.delivered()).toEqual([]);
    });

    it('retries when nothing listens: nothing can have been sent', async () => {
      const result = await h.adapter({ origin: await closedPortOrigin() }).send(message, live());
      expect(result).toEqual({
        outcome: 'retry',
        reason: expect.stringContaining('ECONNREFUSED'),
        retryAfterMs: null,
      });
    });

    it('reports an answer slower than its timeout as unknown, returning before the answer', async () => {
      h.scriptSlowAnswer(SLOW_ANSWER_MS);
      const started = performance.now();
      const result = await h.adapter({ timeoutMs: SHORT_TIMEOUT_MS }).send(message, live());
      expect(result).toEqual({ outcome: 'unknown', reason: expect.stringContaining('300 ms') });
      // Loose on purpose: it ended on its own deadline, not when the fake finally answered.
      expect(performance.now() - started).toBeLessThan(SLOW_ANSWER_MS);
      expect(h.delivered()).toHaveLength(1);
    });

    it('reports a connection lost after the request was read as unknown', async () => {
      h.scriptLostAnswer();
      const result = await h.adapter().send(message, live());
      expect(result).toEqual({ outcome: 'unknown', reason: expect.any(String) });
      expect(h.delivered()).toHaveLength(1);
    });

    it('reports a connection reset on arrival as unknown: the client cannot tell it was not read', async () => {
      h.scriptResetOnArrival();
      const result = await h.adapter().send(message, live());
      expect(result).toEqual({ outcome: 'unknown', reason: expect.any(String) });
      expect(h.delivered()).toEqual([]);
    });

    it('stops when the caller aborts a send in flight, reporting it unknown', async () => {
      h.scriptSlowAnswer(SLOW_ANSWER_MS);
      const controller = new AbortController();
      const started = performance.now();
      const pending = h.adapter().send(message, controller.signal);
      await until(() => h.delivered().length > 0);
      controller.abort();
      const result = await pending;
      expect(result).toEqual({
        outcome: 'unknown',
        reason: expect.stringContaining('aborted by the caller'),
      });
      expect(performance.now() - started).toBeLessThan(SLOW_ANSWER_MS);
    });

    it('sends nothing under a signal already aborted, and says it may be retried', async () => {
      const controller = new AbortController();
      controller.abort();
      const result = await h.adapter().send(message, controller.signal);
      expect(result).toEqual({ outcome: 'retry', reason: expect.any(String), retryAfterMs: null });
      expect(h.requestCount()).toBe(0);
    });

    it('tells the truth about idempotence: the same delivery sent twice arrives once exactly when idempotent', async () => {
      const adapter = h.adapter();
      const first = await adapter.send(message, live());
      const second = await adapter.send({ ...message, attempt: 2 }, live());
      expect([first.outcome, second.outcome]).toEqual(['sent', 'sent']);
      expect(h.delivered()).toHaveLength(adapter.idempotent ? 1 : 2);
      if (adapter.idempotent) expect(second).toEqual(first);
    });

    describe('outbound guard (the address is checked when the connection is made)', () => {
      const guard = new OutboundGuard({ trustedTenants: ['default'], allow: [] }, { lookup: testLookup });

      it('refuses a platform on a loopback address for a tenant the operator does not trust, naming the rule', async () => {
        h.scriptServerError();
        const result = await h.adapter({ fetch: guard.fetchFor('acme') }).send(message, live());
        expect(result).toEqual({
          outcome: 'permanent',
          reason: expect.stringMatching(
            /^outbound call refused: 127\.0\.0\.1 is a loopback address \(127\.0\.0\.0\/8\), which only tenants the operator trusts may call$/,
          ),
          unreachable: false,
        });
        expect(h.requestCount()).toBe(0);
      });

      it("sends for the operator's trusted tenant", async () => {
        const result = await h.adapter({ fetch: guard.fetchFor('default') }).send(message, live());
        expect(result).toMatchObject({ outcome: 'sent' });
      });

      it('refuses a host name that resolves to a loopback address, after DNS', async () => {
        const origin = h.origin.replace('127.0.0.1', 'platform.test');
        const result = await h.adapter({ origin, fetch: guard.fetchFor('acme') }).send(message, live());
        expect(result).toEqual({
          outcome: 'permanent',
          reason: expect.stringContaining('platform.test resolves to a loopback address (127.0.0.0/8)'),
          unreachable: false,
        });
        expect(h.requestCount()).toBe(0);
        // the same name for a trusted tenant: connects to the address the lookup gave
        const trusted = await h.adapter({ origin, fetch: guard.fetchFor('default') }).send(message, live());
        expect(trusted).toMatchObject({ outcome: 'sent' });
      });

      it("admits what the operator's allow-list names: a range, a host name", async () => {
        const byRange = new OutboundGuard({ trustedTenants: [], allow: ['127.0.0.0/8'] });
        expect(await h.adapter({ fetch: byRange.fetchFor('acme') }).send(message, live())).toMatchObject({
          outcome: 'sent',
        });
        const byName = new OutboundGuard({ trustedTenants: [], allow: ['*.test'] }, { lookup: testLookup });
        const origin = h.origin.replace('127.0.0.1', 'platform.test');
        const second = { ...message, deliveryId: `${message.deliveryId}-2`, attempt: 2 };
        expect(
          await h.adapter({ origin, fetch: byName.fetchFor('acme') }).send(second, live()),
        ).toMatchObject({
          outcome: 'sent',
        });
      });

      it.each([
        ['http://169.254.169.254', 'link-local address (169.254.0.0/16)'],
        ['http://[::ffff:169.254.169.254]', 'link-local address (169.254.0.0/16)'],
        ['http://[fd00:ec2::254]', 'cloud metadata (AWS) address (fd00:ec2::254/128)'],
        ['http://100.100.100.200', 'cloud metadata (Alibaba) address (100.100.100.200/32)'],
      ])('refuses %s even for a trusted tenant, without connecting', async (origin, rule) => {
        const result = await h.adapter({ origin, fetch: guard.fetchFor('default') }).send(message, live());
        expect(result).toEqual({
          outcome: 'permanent',
          reason: expect.stringContaining(`${rule}, which is never called`),
          unreachable: false,
        });
      });

      it('refuses a redirect, even to the real platform, and does not follow it', async () => {
        const redirector = await startRedirectServer(h.origin);
        try {
          const result = await h
            .adapter({ origin: redirector.origin, fetch: guard.fetchFor('default') })
            .send(message, live());
          expect(result).toEqual({
            outcome: 'permanent',
            reason: expect.stringMatching(/redirect/),
            unreachable: false,
          });
          expect(redirector.hits()).toBe(1);
          expect(h.requestCount()).toBe(0);
        } finally {
          await redirector.close();
        }
      });
    });

    it('when idempotent, a resend after a lost answer delivers once and reports the first message', async () => {
      const adapter = h.adapter();
      h.scriptLostAnswer();
      const lost: SendResult = await adapter.send(message, live());
      expect(lost.outcome).toBe('unknown');
      const resent = await adapter.send({ ...message, attempt: 2 }, live());
      expect(resent).toMatchObject({ outcome: 'sent' });
      expect(h.delivered()).toHaveLength(adapter.idempotent ? 1 : 2);
      if (adapter.idempotent)
        expect(resent).toEqual({ outcome: 'sent', externalId: h.delivered()[0]!.externalId });
    });
  });
}
