import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import type { FakeModelServer } from '../src/testing/fake-model-server.js';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;
const USERS = 40;

// PostgreSQL only: two engines with pools of their own share one database's drafts, which
// PGlite (one connection, one process) cannot show.
describe.skipIf(!DATABASE_URL)('drafting shared by two instances on PostgreSQL', () => {
  const engines: Engine[] = [];
  let fake: FakeModelServer | undefined;
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'draft', async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    await fake?.close();
  });
  afterEach(() => {
    fake = undefined;
  });

  it('composes every suggestion exactly once, each by one instance', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const config = {
      databaseUrl: scratch.url,
      logLevel: 'silent' as const,
      scheduler: false,
      poolSize: 4,
      composeConcurrency: 3,
      secretKey: randomBytes(32).toString('hex'),
    };
    const a = await createEngine(config, { clock });
    engines.push(a);
    const b = await createEngine(config, { clock });
    engines.push(b);
    // a model that takes a little while, so the two instances' claims interleave
    fake = await startFakeOpenAiServer({
      otherwise: () => ({ object: { message: 'Hi! How is your week going?', topicId: null }, delayMs: 15 }),
    });
    const tenant = a.forTenant('default');
    await tenant.putPolicy({ allowProactive: true, quietHours: null });
    await tenant.createTrigger({ id: 'ping', name: 'Ping', spec: { kind: 'event', event: 'ping' } });
    await tenant.putLlmProvider(null, { kind: 'openai-compatible', baseUrl: fake.url, model: 'm' });
    await tenant.putCharacter('luna', {});
    await tenant.putChannel('luna', 'stream', {});
    const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
    const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
    await tenant.ingest(
      users.map((userId) => ({
        id: 'hi',
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at: at(0),
        text: 'hi',
      })),
    );
    clock.advance({ minutes: 40 });
    await tenant.ingest(
      users.map((userId) => ({
        id: 'p',
        kind: 'custom',
        name: 'ping',
        userId,
        characterId: 'luna',
        at: at(0),
      })),
    );
    expect((await a.scheduler.runUntilIdle()).suggestions).toBe(USERS);

    const drafted = new Map<string, number>();
    for (const engine of [a, b])
      engine.events.on('suggestion.drafted', (e) =>
        drafted.set(e.suggestionId, (drafted.get(e.suggestionId) ?? 0) + 1),
      );
    const [ra, rb] = await Promise.all([a.drafter.runUntilIdle(), b.drafter.runUntilIdle()]);

    expect(ra.composed + rb.composed).toBe(USERS);
    expect(ra.lost + rb.lost).toBe(0);
    // both took part (each claims 3 at a time; with 40 waiting, neither can take them all first)
    expect(ra.composed).toBeGreaterThan(0);
    expect(rb.composed).toBeGreaterThan(0);
    expect([...drafted.values()].every((n) => n === 1)).toBe(true);
    expect(drafted.size).toBe(USERS);
    expect(fake.requests).toHaveLength(USERS);
    const rows = await a.database.db
      .selectFrom('suggestions')
      .select(['status', 'composer', 'draft_token'])
      .execute();
    expect(rows).toHaveLength(USERS);
    expect(
      rows.every(
        (r) => r.status === 'approved' && r.composer === 'openai-compatible' && r.draft_token === null,
      ),
    ).toBe(true);
  });
});
