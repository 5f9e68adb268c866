import type { Engine, IngestResult, TenantEngine, User } from '../../src/index.js';
import { createTestEngine } from '../../src/testing/index.js';

// Calls a bot author writes against the public entry. Never run: `tsc` compiles the right calls
// and must find an error on each line marked @ts-expect-error (an unused one is an error too).
// Checked by `npm run typecheck` and by test/public-types.test.ts. Wrong calls stay on one line:
// the directive covers the next line only.

export async function accountCalls(overture: TenantEngine) {
  await overture.putPolicy({ allowProactive: true, quietHours: { start: '22:00', end: '08:00' } });
  // @ts-expect-error a misspelt field
  await overture.putPolicy({ allowProactiv: true });
  // @ts-expect-error a value outside the enum
  await overture.putPolicy({ unknownZone: 'wait' });
  // @ts-expect-error a required field missing (quiet hours need their end)
  await overture.putPolicy({ quietHours: { start: '22:00' } });

  const user: User = await overture.updateUser('alice', { timezone: 'Europe/Berlin', consent: 'opted_in' });
  // @ts-expect-error a misspelt field
  await overture.updateUser(user.userId, { timezon: 'Europe/Berlin' });
  // @ts-expect-error a value outside the enum
  await overture.updateUser('alice', { consent: 'yes' });
  // @ts-expect-error a required argument missing (the patch)
  await overture.updateUser('alice');

  await overture.putCharacter('aria', { name: 'Aria', voice: { tone: 'warm' } });
  // @ts-expect-error a value outside the enum
  await overture.putCharacter('aria', { voice: { tone: 'grumpy' } });
  await overture.createApiKey({ name: 'bot', scopes: ['read'] });
  // @ts-expect-error a value outside the enum
  await overture.createApiKey({ name: 'bot', scopes: ['root'] });
  // @ts-expect-error a required field missing (the name)
  await overture.createApiKey({ scopes: ['read'] });
  await overture.updatePair('alice', 'aria', { trust: 0.5 });
  // @ts-expect-error a misspelt field
  await overture.updatePair('alice', 'aria', { trusted: 0.5 });
}

export async function triggerCalls(overture: TenantEngine) {
  const { triggerId } = await overture.createTrigger({
    name: 'nudge',
    spec: { kind: 'silence', afterHours: 48 },
  });
  // @ts-expect-error a misspelt field
  await overture.createTrigger({ name: 'nudge', spec: { kind: 'silence', afterHour: 48 } });
  // @ts-expect-error a value outside the enum (the spec's kind)
  await overture.createTrigger({ name: 'nudge', spec: { kind: 'quiet', afterHours: 48 } });
  // @ts-expect-error a required field missing (the name)
  await overture.createTrigger({ spec: { kind: 'webhook' } });
  await overture.updateTrigger(triggerId, { approval: 'suggest' });
  // @ts-expect-error a value outside the enum
  await overture.updateTrigger(triggerId, { approval: 'sometimes' });
  await overture.fireTrigger(triggerId, { userId: 'alice', characterId: 'aria' });
  // @ts-expect-error a required field missing (the character)
  await overture.fireTrigger(triggerId, { userId: 'alice' });
  await overture.listDecisions({ userId: 'alice', action: 'skip' });
  // @ts-expect-error a value outside the enum
  await overture.listDecisions({ userId: 'alice', action: 'wait' });
}

export async function deliveryCalls(overture: TenantEngine) {
  await overture.putChannel('aria', 'telegram', { token: '123456:bot-token' });
  await overture.putChannel('aria', 'webhook', { url: 'https://bot.example/hook', secret: 'a'.repeat(16) });
  await overture.putChannel('aria', 'stream');
  // @ts-expect-error a misspelt field
  await overture.putChannel('aria', 'telegram', { tokn: '123456:bot-token' });
  // @ts-expect-error a value outside the enum (the channel)
  await overture.putChannel('aria', 'telegrm', { token: '123456:bot-token' });
  // @ts-expect-error a required field missing (a webhook's url)
  await overture.putChannel('aria', 'webhook', { secret: 'a'.repeat(16) });
  // @ts-expect-error another channel's field (Discord has apiBase, not apiRoot)
  await overture.putChannel('aria', 'discord', { apiRoot: 'https://discord.example' });

  const { suggestions } = await overture.listSuggestions({ status: 'pending', limit: 10 });
  // @ts-expect-error a misspelt field
  await overture.listSuggestions({ user: 'alice' });
  // @ts-expect-error a value outside the enum
  await overture.listSuggestions({ status: 'waiting' });

  const id = suggestions[0]!.suggestionId;
  const approved = await overture.approveSuggestion(id, { text: 'How did it go?' });
  const delivery = approved.deliveries[0]!;
  // @ts-expect-error a misspelt field
  await overture.approveSuggestion(id, { txt: 'How did it go?' });
  // @ts-expect-error a value of the wrong type
  await overture.approveSuggestion(id, { text: 42 });
  await overture.dismissSuggestion(id, { reason: 'not now' });
  // @ts-expect-error a required field missing (the reason)
  await overture.dismissSuggestion(id, {});

  await overture.reportDelivery(delivery.deliveryId, { status: 'sent', externalId: delivery.address ?? 'x' });
  // @ts-expect-error a value outside the enum
  await overture.reportDelivery('d1', { status: 'delivered' });
}

export async function contextCalls(overture: TenantEngine) {
  const result: IngestResult = await overture.ingest({
    id: 'm1',
    kind: 'message_in',
    userId: 'alice',
    characterId: 'aria',
    at: '2026-11-23T11:00:00Z',
  });
  await overture.ingest({ events: [] });
  // @ts-expect-error a value outside the enum
  await overture.ingest({ id: 'm2', kind: 'message', userId: 'alice', characterId: 'aria', at: 'now' });
  // @ts-expect-error a required field missing (the user)
  await overture.ingest([{ id: 'm3', kind: 'reaction', characterId: 'aria', at: '2026-11-23T11:00:00Z' }]);
  await overture.addFact('alice', { text: 'Runs marathons', category: 'hobby', salience: result.accepted });
  // @ts-expect-error a misspelt field
  await overture.addFact('alice', { txt: 'Runs marathons' });
  await overture.addOpenLoop('alice', { sentence: 'my exam is on Friday', dueAt: 'x', characterId: 'aria' });
  // @ts-expect-error a required field missing (when it is due)
  await overture.addOpenLoop('alice', { sentence: 'my exam is on Friday', characterId: 'aria' });
  // @ts-expect-error a value outside the enum
  await overture.listOpenLoops('alice', { status: 'done' });
  // @ts-expect-error a value outside the enum
  await overture.putLlmProvider(null, { kind: 'gpt' });
}

export async function engineCalls(): Promise<Engine> {
  const { engine, clock } = await createTestEngine();
  clock.advance({ hours: 1 });
  await engine.sweep();
  engine.forTenant('default', { actor: 'nightly-job' }).stream.subscribe((event) => event.type);
  // @ts-expect-error a misspelt option
  engine.forTenant('default', { acter: 'nightly-job' });
  return engine;
}
