import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import type { ConfigInput } from '../src/config/config.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { lookupFrom } from '../src/testing/fake-dns.js';
import type { FakeModelServer } from '../src/testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '../src/testing/fake-webhook-receiver.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';
import { type FakeBotMemory, startFakeBotMemory } from './helpers/fake-bot-memory.js';

const SECRET = 'whsec-0123456789abcdef';
const LOOPBACK_RULE =
  'outbound call refused: 127.0.0.1 is a loopback address (127.0.0.0/8), which only tenants the operator trusts may call';
/** What a call to `bot.test` (the fakes, by name) meets when the tenant is not trusted. */
const NAMED_RULE =
  'outbound call refused: bot.test resolves to a loopback address (127.0.0.0/8), which only tenants the operator trusts may call';

/**
 * Issue 16, item 8: every outbound call the engine makes for a tenant (the webhook channel, a
 * context callback, a model server) goes through that tenant's guard. The adapters' own suites
 * (channel.contract.ts, provider.contract.ts) cover each client library; this covers the wiring:
 * the tenant reaches the guard, and the operator's configuration sets the rules.
 */
describe.each(BACKENDS)('the outbound guard in the engine on %s', (backend) => {
  let engine: Engine | undefined;
  let receiver: FakeWebhookReceiver | undefined;
  let model: FakeModelServer | undefined;
  let memory: FakeBotMemory | undefined;
  const clock = new FakeClock('2026-11-23T12:00:00Z');

  afterEach(async () => {
    await engine?.close();
    await receiver?.close();
    await model?.close();
    await memory?.close();
    engine = receiver = model = memory = undefined;
  });

  // The fakes listen on 127.0.0.1 and are configured by a name resolving there: a literal address
  // would already be refused when configured (tested below), and the calls are what is tested here.
  const start = async (
    config: ConfigInput = {},
    hosts: Record<string, string> = { 'bot.test': '127.0.0.1' },
  ) => {
    engine = await createEngine(
      { logLevel: 'silent', scheduler: false, secretKey: randomBytes(32).toString('base64'), ...config },
      { clock, database: await openTestDatabase(backend), lookup: lookupFrom(hosts) },
    );
    await engine.createTenant({ tenantId: 'acme' });
    receiver = await startFakeWebhookReceiver({ secret: SECRET, now: () => clock.now() });
    model = await startFakeOpenAiServer({
      otherwise: () => ({ object: { message: 'Hi Maya, how was the race?', topicId: null } }),
    });
    memory = await startFakeBotMemory();
    memory.answer((_, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ facts: [{ id: 'secret', text: 'the internal answer 4711' }] })),
    );
    return engine;
  };

  /** The tenant's webhook, model and context callback at `host` (the fakes, by name), then one message. */
  const sendOne = async (tenantId: string, host = 'bot.test') => {
    const at = (url: string) => url.replace('127.0.0.1', host);
    const tenant = engine!.forTenant(tenantId);
    await tenant.putPolicy({ allowProactive: true, quietHours: null });
    await tenant.createTrigger({
      id: 'ping',
      name: 'Ping',
      spec: { kind: 'event', event: 'ping' },
      approval: 'auto',
    });
    await tenant.putLlmProvider(null, { kind: 'openai-compatible', baseUrl: at(model!.url), model: 'm' });
    await tenant.putCharacter('luna', {});
    await tenant.putContextProvider('luna', { url: at(memory!.url), secret: SECRET });
    await tenant.putChannel('luna', 'webhook', { url: at(receiver!.url), secret: SECRET });
    const now = clock.now().getTime();
    await tenant.ingest({
      id: 'hi',
      kind: 'message_in',
      userId: 'maya',
      characterId: 'luna',
      at: new Date(now - 40 * 60_000).toISOString(),
      text: 'hi',
    });
    await tenant.ingest({
      id: 'p',
      kind: 'custom',
      name: 'ping',
      userId: 'maya',
      characterId: 'luna',
      at: new Date(now).toISOString(),
    });
    expect((await engine!.sweep()).composed).toBe(1);
    await engine!.deliver();
    const { suggestions } = await tenant.listSuggestions({ userId: 'maya' });
    return tenant.getSuggestion(suggestions[0]!.suggestionId);
  };

  it('refuses every outbound call of an untrusted tenant to a name that resolves to a loopback address, after DNS, naming the rule', async () => {
    await start();
    const suggestion = await sendOne('acme');
    // the model: not called, the template wrote the opener, and the fallback says why
    expect(model!.requests).toHaveLength(0);
    expect(suggestion.composer).toBe('template');
    expect(suggestion.composition).toMatchObject({
      fallback: { from: 'openai-compatible', reason: 'unreachable', detail: NAMED_RULE },
      context: { source: 'builtin', fallbackReason: `request failed: ${NAMED_RULE}` },
    });
    // the context callback: not called, nothing of its answer anywhere
    expect(memory!.calls).toHaveLength(0);
    expect(JSON.stringify(suggestion)).not.toContain('4711');
    // the webhook: not called, failed for good with the rule as its reason
    expect(receiver!.requests).toHaveLength(0);
    expect(suggestion.deliveries).toMatchObject([{ status: 'failed', attempts: 1, reason: NAMED_RULE }]);
  });

  it("makes every call of the operator's own default tenant to the same addresses", async () => {
    await start();
    const suggestion = await sendOne('default');
    expect(suggestion.composer).toBe('openai-compatible');
    expect(suggestion.composition).toMatchObject({ context: { source: 'callback' } });
    expect(memory!.calls).toHaveLength(1);
    expect(suggestion.deliveries).toMatchObject([{ status: 'sent' }]);
    expect(receiver!.delivered).toHaveLength(1);
  });

  it('lets through the tenants and the addresses the operator configured', async () => {
    await start({ outboundTrustedTenants: ['acme'] });
    expect((await sendOne('acme')).deliveries).toMatchObject([{ status: 'sent' }]);
    expect(receiver!.delivered).toHaveLength(1);
    const suggestion = await sendOne('default');
    // default is trusted only by default: once the operator names the trusted tenants, it is not
    expect(suggestion.deliveries).toMatchObject([{ status: 'failed', reason: NAMED_RULE }]);
  });

  it('refuses at configuration time an IP address the tenant may not reach, naming the field; a name waits for DNS', async () => {
    await start();
    const acme = engine!.forTenant('acme');
    await acme.putCharacter('luna', {});
    const refused = (path: string, rule: string | RegExp) => ({
      code: 'invalid_request',
      issues: [{ path, field: path, rule: typeof rule === 'string' ? rule : expect.stringMatching(rule) }],
    });
    await expect(
      acme.putChannel('luna', 'webhook', { url: 'http://127.0.0.1:9/hook', secret: SECRET }),
    ).rejects.toMatchObject(refused('url', LOOPBACK_RULE));
    await expect(
      acme.putContextProvider('luna', { url: 'http://10.0.0.7/context', secret: SECRET }),
    ).rejects.toMatchObject(refused('url', /10\.0\.0\.7 is a private address \(10\.0\.0\.0\/8\)/));
    await expect(
      acme.putLlmProvider(null, { kind: 'openai-compatible', baseUrl: 'http://[::1]:11434/v1', model: 'm' }),
    ).rejects.toMatchObject(refused('baseUrl', /::1 is a loopback address/));
    // link-local is refused for the operator's own tenant too
    const own = engine!.forTenant('default');
    await own.putCharacter('luna', {});
    await expect(
      own.putChannel('luna', 'telegram', {
        token: '123456:telegram-token',
        apiRoot: 'http://169.254.169.254',
      }),
    ).rejects.toMatchObject(
      refused('apiRoot', /link-local address \(169\.254\.0\.0\/16\), which is never called$/),
    );
    // a host name is taken: it is checked when it is called, after DNS
    await acme.putChannel('luna', 'webhook', { url: 'http://localhost:9/hook', secret: SECRET });
    expect(await acme.listChannels('luna')).toMatchObject({ channels: [{ channel: 'webhook' }] });
  });

  it('admits an allow-listed host name for every tenant', async () => {
    await start({ outboundTrustedTenants: [], outboundAllow: ['bot.test'] });
    const suggestion = await sendOne('acme');
    expect(suggestion.composer).toBe('openai-compatible');
    expect(suggestion.deliveries).toMatchObject([{ status: 'sent' }]);
  });
});
