import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTenantDrafts } from '../src/engine/compose/compose-state.js';
import type { ClaimedDraft } from '../src/storage/draft.repository.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = randomBytes(32).toString('base64');

describe.each(BACKENDS)('loading a batch of drafts to compose on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
  });
  afterEach(() => t.close());

  const minutes = (n: number) => new Date(t.clock.now().getTime() + n * 60_000);
  const claim = (userId: string, characterId: string, over: Partial<ClaimedDraft> = {}): ClaimedDraft => ({
    tenantId: 'default',
    userId,
    suggestionId: `s-${userId}-${characterId}`,
    characterId,
    triggerId: 'ping',
    occasionKey: 'event:p1',
    approval: 'auto',
    createdAt: minutes(0),
    expiresAt: minutes(60),
    funnel: null,
    ...over,
  });
  /** A suggestion of the past, as the drafter left it. */
  const opener = (userId: string, n: number, over: { status?: string; text?: string | null } = {}) => ({
    tenant_id: 'default',
    user_id: userId,
    suggestion_id: `old-${userId}-${n}`,
    character_id: 'luna',
    trigger_id: 'ping',
    occasion_key: `event:old${n}`,
    status: (over.status ?? 'sent') as 'sent',
    approval: 'auto' as const,
    decision_id: `d-${userId}-${n}`,
    created_at: minutes(-100 + n),
    updated_at: minutes(-100 + n),
    expires_at: minutes(-40 + n),
    text: over.text === undefined ? `Opener ${n} to ${userId}` : over.text,
    topic: JSON.stringify({ id: `fact:${n}` }),
  });

  it("reads every draft's trigger, speaker, locale, recent openers, model and followed loop", async () => {
    const tenant = t.server.engine.forTenant('default');
    await tenant.putCharacter('luna', { name: 'Luna', persona: 'You are Luna.', voice: { tone: 'playful' } });
    await tenant.ingest(
      ['maya', 'ben'].flatMap((userId) =>
        ['luna', 'max'].map((characterId) => ({
          id: `hi-${characterId}`,
          kind: 'message_in',
          userId,
          characterId,
          at: t.clock.now().toISOString(),
          text: 'hi',
        })),
      ),
    );
    await tenant.updateUser('maya', { locale: 'de-DE' });
    await tenant.createTrigger({ id: 'ping', name: 'Ping', spec: { kind: 'event', event: 'ping' } });
    await tenant.putLlmProvider(null, {
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'tenant-model',
      apiKey: 'sk-tenant',
    });
    await tenant.putLlmProvider('max', { kind: 'template' });
    const loop = await tenant.addOpenLoop('maya', {
      sentence: 'My interview is today at 1pm',
      dueAt: minutes(-60).toISOString(),
      characterId: 'luna',
      mention: 'your interview',
    });
    const db = t.server.engine.database.db;
    await db
      .insertInto('suggestions')
      .values([
        ...Array.from({ length: 6 }, (_, n) => opener('maya', n)),
        opener('maya', 6, { status: 'dismissed' }),
        opener('maya', 7, { status: 'pending', text: null }),
        opener('ben', 0, { status: 'pending' }),
      ])
      .execute();

    const drafts = [
      claim('maya', 'luna', { occasionKey: `loop:${loop.loopId}` }),
      claim('ben', 'max', { triggerId: 'deleted' }),
      claim('maya', 'max'),
      claim('ben', 'luna', { occasionKey: 'loop:nope' }),
    ];
    const loaded = await loadTenantDrafts(t.server.engine.context, 'default', drafts);

    expect(loaded.map((d) => d.claim)).toEqual(drafts);
    const [mayaLuna, benMax, mayaMax, benLuna] = loaded.map((d) => d.state);
    expect(mayaLuna).toMatchObject({
      suggestionId: 's-maya-luna',
      expiresAtMs: minutes(60).getTime(),
      trigger: { id: 'ping' },
      speaker: { characterId: 'luna', name: 'Luna', persona: 'You are Luna.', tone: 'playful' },
      locale: 'de-DE',
      model: 'tenant-model',
      modelProblem: null,
      followedLoop: {
        candidate: { id: `loop:${loop.loopId}`, kind: 'open_loop', mention: 'your interview' },
        closedReason: null,
      },
    });
    // the five latest that reached or may reach the user, the latest first
    expect(mayaLuna!.recentOpeners).toEqual(
      [5, 4, 3, 2, 1].map((n) => ({ text: `Opener ${n} to maya`, topicId: `fact:${n}`, triggerId: 'ping' })),
    );
    expect(mayaMax!.recentOpeners).toEqual(mayaLuna!.recentOpeners);
    expect(benMax).toMatchObject({
      trigger: null,
      speaker: { characterId: 'max', name: null, persona: null, tone: 'warm' },
      locale: null,
      model: null,
      followedLoop: null,
      recentOpeners: [{ text: 'Opener 0 to ben', topicId: 'fact:0', triggerId: 'ping' }],
    });
    expect(benLuna).toMatchObject({ followedLoop: null, model: 'tenant-model' });
    expect(loaded[0]!.provider.settings).toMatchObject({ model: 'tenant-model', apiKey: 'sk-tenant' });
    expect(loaded[1]!.provider).toEqual({ settings: null });
  });

  it('loads nothing for an empty batch', async () => {
    expect(await loadTenantDrafts(t.server.engine.context, 'default', [])).toEqual([]);
  });
});
