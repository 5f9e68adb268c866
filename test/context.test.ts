import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { event, startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('facts and memories on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
    // maya talks to luna and to max
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          event({ id: 'm1', userId: 'maya', characterId: 'luna' }),
          event({ id: 'm2', userId: 'maya', characterId: 'max' }),
        ],
      },
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.server.engine.database.db;
  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const addFact = (payload: object, userId = 'maya') =>
    t.request({ method: 'POST', url: `/v1/users/${userId}/facts`, payload });
  const addMemory = (payload: object, userId = 'maya') =>
    t.request({ method: 'POST', url: `/v1/users/${userId}/memories`, payload });
  const facts = async (query = '') =>
    (await ok({ method: 'GET', url: `/v1/users/maya/facts${query}` })).facts;
  const memories = async (query = '') =>
    (await ok({ method: 'GET', url: `/v1/users/maya/memories${query}` })).memories;
  const count = async (table: 'facts' | 'memories') =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db())).rows[0]!.n;

  it('remembers a fact with its defaults, and lists them newest first', async () => {
    const luna = await addFact({
      text: ' Her sister Luna has surgery on Friday ',
      subject: 'sister',
      predicate: 'has',
      object: 'surgery on Friday',
      category: 'family',
      salience: 0.9,
      sensitive: true,
      source: 'bot',
    });
    expect(luna.status).toBe(201);
    expect(luna.body).toEqual({
      factId: expect.stringMatching(/^fact_/),
      userId: 'maya',
      characterId: null,
      text: 'Her sister Luna has surgery on Friday',
      subject: 'sister',
      predicate: 'has',
      object: 'surgery on Friday',
      category: 'family',
      salience: 0.9,
      sensitive: true,
      mention: null,
      source: 'bot',
      createdAt: '2026-11-23T12:00:00.000Z',
    });
    t.clock.advance({ minutes: 1 });
    const tea = await addFact({ text: 'Prefers green tea' });
    expect(tea.body).toMatchObject({
      salience: 0.5,
      sensitive: false,
      source: 'api',
      category: null,
      subject: null,
    });
    expect((await facts()).map((f: { text: string }) => f.text)).toEqual([
      'Prefers green tea',
      'Her sister Luna has surgery on Friday',
    ]);
    expect((await facts('?category=family')).map((f: { factId: string }) => f.factId)).toEqual([
      luna.body.factId,
    ]);
  });

  it("gives a character its own facts and memories and the shared ones, never another character's", async () => {
    const shared = (await addFact({ text: 'Lives in Lisbon' })).body.factId;
    const ofLuna = (await addFact({ text: 'Calls luna "moon"', characterId: 'luna' })).body.factId;
    const ofMax = (await addFact({ text: 'Plays chess with max', characterId: 'max' })).body.factId;
    const ids = async (query: string) => (await facts(query)).map((f: { factId: string }) => f.factId).sort();
    expect(await ids('?characterId=luna')).toEqual([shared, ofLuna].sort());
    expect(await ids('?characterId=max')).toEqual([shared, ofMax].sort());
    expect(await ids('')).toEqual([shared, ofLuna, ofMax].sort());

    await ok({
      method: 'POST',
      url: '/v1/users/maya/memories',
      payload: { text: 'A hike', tags: ['outdoors'] },
    });
    await ok({
      method: 'POST',
      url: '/v1/users/maya/memories',
      payload: { text: 'A chess game', tags: ['games'], characterId: 'max' },
    });
    expect((await memories('?characterId=luna')).map((m: { text: string }) => m.text)).toEqual(['A hike']);
    expect((await memories('?tag=games')).map((m: { text: string }) => m.text)).toEqual(['A chess game']);
  });

  it('remembers a memory with when it happened and its tags, once each', async () => {
    const res = await addMemory({
      text: 'Went hiking in the Alps with her dog',
      at: '2026-11-20T09:30:00+01:00',
      tags: ['outdoors', 'dog', 'outdoors'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      memoryId: expect.stringMatching(/^mem_/),
      userId: 'maya',
      characterId: null,
      text: 'Went hiking in the Alps with her dog',
      at: '2026-11-20T08:30:00.000Z',
      tags: ['outdoors', 'dog'],
      salience: 0.5,
      sensitive: false,
      mention: null,
      source: 'api',
      createdAt: '2026-11-23T12:00:00.000Z',
    });
    // with a mention, an opener names it so
    const named = await addMemory({ text: 'Ran her first marathon', mention: '  your first marathon ' });
    expect(named.body.mention).toBe('your first marathon');
    // without a time, it happened now
    expect((await addMemory({ text: 'Started a new job' })).body.at).toBe('2026-11-23T12:00:00.000Z');
  });

  it('pages through facts with next and before', async () => {
    for (let i = 0; i < 5; i++) {
      await ok({ method: 'POST', url: '/v1/users/maya/facts', payload: { text: `fact ${i}` } });
      t.clock.advance({ seconds: 1 });
    }
    const first = await ok({ method: 'GET', url: '/v1/users/maya/facts?limit=2' });
    expect(first.facts.map((f: { text: string }) => f.text)).toEqual(['fact 4', 'fact 3']);
    const second = await ok({ method: 'GET', url: `/v1/users/maya/facts?limit=2&before=${first.next}` });
    expect(second.facts.map((f: { text: string }) => f.text)).toEqual(['fact 2', 'fact 1']);
    const last = await ok({ method: 'GET', url: `/v1/users/maya/facts?limit=2&before=${second.next}` });
    expect(last).toMatchObject({ facts: [{ text: 'fact 0' }], next: null });
  });

  it('forgets a fact or a memory with 204, then answers 404 for it', async () => {
    const fact = (await addFact({ text: 'Has a cat' })).body.factId;
    const memory = (await addMemory({ text: 'Adopted a cat' })).body.memoryId;
    // another user's id in the path finds nothing
    await ok({ method: 'PATCH', url: '/v1/users/noa', payload: {} });
    expect((await t.request({ method: 'DELETE', url: `/v1/users/noa/facts/${fact}` })).status).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/v1/users/maya/facts/${fact}` })).status).toBe(204);
    const again = await t.request({ method: 'DELETE', url: `/v1/users/maya/facts/${fact}` });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe(`fact "${fact}" of user "maya" not found`);
    expect((await t.request({ method: 'DELETE', url: `/v1/users/maya/memories/${memory}` })).status).toBe(
      204,
    );
    expect((await t.request({ method: 'DELETE', url: `/v1/users/maya/memories/${memory}` })).status).toBe(
      404,
    );
    expect(await count('facts')).toBe(0);
    expect(await count('memories')).toBe(0);
  });

  it('answers 404 for an unknown user or character, and stores nothing', async () => {
    const noUser = await addFact({ text: 'x' }, 'nobody');
    expect(noUser.status).toBe(404);
    expect(noUser.body.error.message).toBe('user "nobody" not found');
    expect((await t.request({ method: 'GET', url: '/v1/users/nobody/memories' })).status).toBe(404);
    const noCharacter = await addMemory({ text: 'x', characterId: 'ghost' });
    expect(noCharacter.status).toBe(404);
    expect(noCharacter.body.error.message).toBe('character "ghost" not found');
    expect(await count('facts')).toBe(0);
    expect(await count('memories')).toBe(0);
  });

  it.each([
    ['no text', 'facts', {}, 'text', /required/],
    ['blank text', 'facts', { text: '   ' }, 'text', /1-1000 characters/],
    ['text over 1000 characters', 'facts', { text: 'x'.repeat(1001) }, 'text', /1-1000 characters/],
    ['salience above 1', 'facts', { text: 'x', salience: 1.5 }, 'salience', /0 to 1/],
    ['a category in capitals', 'facts', { text: 'x', category: 'Family' }, 'category', /lowercase/],
    ['sensitive as a string', 'facts', { text: 'x', sensitive: 'yes' }, 'sensitive', /true or false/],
    ['an unknown field', 'facts', { text: 'x', mood: 'happy' }, 'mood', /not a known field/],
    ['a bad character id', 'facts', { text: 'x', characterId: 'a b' }, 'characterId', /letters, digits/],
    ['a time without offset', 'memories', { text: 'x', at: '2026-11-20T09:30:00' }, 'at', /UTC offset/],
    ['21 tags', 'memories', { text: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags', /20/],
    ['a tag with a space', 'memories', { text: 'x', tags: ['two words'] }, 'tags[0]', /lowercase/],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_, kind, payload, path, rule) => {
    const res = await t.request({ method: 'POST', url: `/v1/users/maya/${kind}`, payload });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const issue = res.body.error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    expect(issue.rule).toMatch(rule);
    expect(await count('facts')).toBe(0);
    expect(await count('memories')).toBe(0);
  });

  it('answers 400 naming a bad query field', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/users/maya/facts?limit=0' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['query.limit']);
  });

  it('does the same through the library', async () => {
    const tenant = t.server.engine.forTenant('default');
    const fact = await tenant.addFact('maya', { text: 'Runs marathons', category: 'hobby' });
    expect(fact).toMatchObject({ userId: 'maya', category: 'hobby' });
    expect((await tenant.listFacts('maya')).facts).toHaveLength(1);
    await expect(tenant.addMemory('maya', { text: '' })).rejects.toMatchObject({ code: 'invalid_request' });
    await tenant.deleteFact('maya', fact.factId);
    expect((await tenant.listFacts('maya', { category: 'hobby' })).facts).toEqual([]);
  });
});
