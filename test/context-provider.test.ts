import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyHook } from '../src/contract/hook-signature.js';
import { CONTEXT_CANDIDATE_LIMIT } from '../src/ports/context-provider.js';
import { SecretBox } from '../src/storage/codecs/secret-box.js';
import { BACKENDS } from './helpers/backends.js';
import {
  type Answer,
  closedPortUrl,
  type FakeBotMemory,
  json,
  startFakeBotMemory,
} from './helpers/fake-bot-memory.js';
import { event, startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
const CALLBACK_SECRET = 'cbs_0123456789abcdef-luna';
const NOW = '2026-11-23T12:00:00.000Z';

/** maya talks to luna and to max; noa talks to luna. Topics ride on the messages' meta. */
const EVENTS = [
  event({
    id: 'e1',
    userId: 'maya',
    characterId: 'luna',
    at: '2026-11-22T10:00:00Z',
    meta: { topics: ['Marathon training', 'her cat'] },
  }),
  event({
    id: 'e2',
    userId: 'maya',
    characterId: 'luna',
    at: '2026-11-22T10:01:00Z',
    kind: 'message_out',
    meta: { topics: ['marathon training'] },
  }),
  event({
    id: 'e3',
    userId: 'maya',
    characterId: 'luna',
    at: '2026-11-23T09:00:00Z',
    meta: { topics: ['Marathon  Training'] },
  }),
  // another character's conversation, one older than two weeks, one not a message, one without a list
  event({
    id: 'e4',
    userId: 'maya',
    characterId: 'max',
    at: '2026-11-23T09:30:00Z',
    meta: { topics: ['chess'] },
  }),
  event({
    id: 'e5',
    userId: 'maya',
    characterId: 'luna',
    at: '2026-11-05T10:00:00Z',
    meta: { topics: ['old trip'] },
  }),
  event({
    id: 'e6',
    userId: 'maya',
    characterId: 'luna',
    at: '2026-11-23T08:00:00Z',
    kind: 'session_start',
    meta: { topics: ['not a message'] },
  }),
  event({
    id: 'e7',
    userId: 'maya',
    characterId: 'luna',
    at: '2026-11-23T08:30:00Z',
    meta: { topics: 'not a list' },
  }),
  event({
    id: 'n1',
    userId: 'noa',
    characterId: 'luna',
    at: '2026-11-23T09:00:00Z',
    meta: { topics: ['noa topic'] },
  }),
];

/** A good answer of the bot's memory, with a field of the bot's own that is ignored. */
const ANSWER = {
  facts: [
    {
      id: 'f-1',
      text: 'Has a sister called Luna',
      salience: 0.8,
      at: '2026-11-01T10:00:00+01:00',
      vector: [0.1],
    },
  ],
  memories: [{ id: 'm-1', text: 'Ran a half marathon', at: '2026-11-15T08:00:00Z', sensitive: true }],
  openLoops: [
    {
      id: 'l-1',
      text: 'Has a job interview on Friday',
      mention: 'your interview',
      salience: 0.7,
      at: '2026-11-20T18:00:00Z',
      dueAt: '2026-11-27T09:00:00+01:00',
    },
  ],
  topics: [{ id: 'marathon', text: 'marathon training', mention: null }],
};

describe.each(BACKENDS)('context providers on %s', (backend) => {
  let t: TestServer;
  let bot: FakeBotMemory;
  const ids: Record<string, string> = {};

  beforeEach(async () => {
    t = await startTestServer(backend, { secretKey: SECRET_KEY });
    bot = await startFakeBotMemory();
    await ok({ method: 'POST', url: '/v1/events', payload: { events: EVENTS } });
    const fact = async (payload: object, userId = 'maya') =>
      (await ok({ method: 'POST', url: `/v1/users/${userId}/facts`, payload })).factId as string;
    const memory = async (payload: object) =>
      (await ok({ method: 'POST', url: '/v1/users/maya/memories', payload })).memoryId as string;
    ids.shared = await fact({ text: 'Lives in Lisbon', salience: 0.4 });
    ids.ofLuna = await fact({
      text: 'Calls luna "moon"',
      characterId: 'luna',
      salience: 0.9,
      sensitive: true,
    });
    ids.ofMax = await fact({ text: 'Plays chess with max', characterId: 'max' });
    ids.ofNoa = await fact({ text: 'A fact of noa' }, 'noa');
    ids.memory = await memory({ text: 'Hiked in the Alps', characterId: 'luna', at: '2026-11-15T08:00:00Z' });
    ids.memoryOfMax = await memory({ text: 'Lost a chess game', characterId: 'max' });
  });
  afterEach(async () => {
    await bot.close();
    await t.close();
  });

  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const tenant = () => t.server.engine.forTenant('default');
  const load = (characterId = 'luna', signal?: AbortSignal) =>
    tenant().loadUserContext({ userId: 'maya', characterId }, { signal });
  const configure = (payload: object, characterId = 'luna') =>
    t.request({ method: 'PUT', url: `/v1/characters/${characterId}/context-provider`, payload });
  const db = () => t.server.engine.database.db;
  const rows = async () =>
    (
      await sql<{ character_id: string; url: string; secret_sealed: string; timeout_ms: number }>`
        select character_id, url, secret_sealed, timeout_ms from context_providers order by character_id`.execute(
        db(),
      )
    ).rows;
  const auditActions = async () =>
    (await ok({ method: 'GET', url: '/v1/audit' })).entries.map((e: { action: string }) => e.action);
  const sortById = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));

  it("gives the character its facts and memories, its own and shared, and its conversations' topics of two weeks", async () => {
    const context = await load();
    expect(context.source).toBe('builtin');
    expect(context.fallbackReason).toBeUndefined();
    expect(sortById(context.candidates)).toEqual(
      sortById([
        {
          id: `fact:${ids.shared}`,
          kind: 'fact',
          text: 'Lives in Lisbon',
          salience: 0.4,
          atMs: Date.parse(NOW),
          sensitive: false,
          characterId: null,
        },
        {
          id: `fact:${ids.ofLuna}`,
          kind: 'fact',
          text: 'Calls luna "moon"',
          salience: 0.9,
          atMs: Date.parse(NOW),
          sensitive: true,
          characterId: 'luna',
        },
        {
          id: `memory:${ids.memory}`,
          kind: 'memory',
          text: 'Hiked in the Alps',
          salience: 0.5,
          atMs: Date.parse('2026-11-15T08:00:00Z'),
          sensitive: false,
          characterId: 'luna',
        },
        {
          id: 'conversation:marathon training',
          kind: 'conversation',
          text: 'Marathon Training',
          mention: 'Marathon Training',
          salience: 1 - 0.75 ** 3,
          atMs: Date.parse('2026-11-23T09:00:00Z'),
          sensitive: false,
          characterId: 'luna',
        },
        {
          id: 'conversation:her cat',
          kind: 'conversation',
          text: 'her cat',
          mention: 'her cat',
          salience: 0.25,
          atMs: Date.parse('2026-11-22T10:00:00Z'),
          sensitive: false,
          characterId: 'luna',
        },
      ]),
    );
    const ofMax = (await load('max')).candidates.map((c) => c.id).sort();
    expect(ofMax).toEqual(
      [`fact:${ids.shared}`, `fact:${ids.ofMax}`, `memory:${ids.memoryOfMax}`, 'conversation:chess'].sort(),
    );
  });

  it("keeps at most the limit of a user's facts, the most salient", async () => {
    await sql`
      insert into facts (tenant_id, user_id, fact_id, character_id, text, salience, sensitive, source, created_at)
      select 'default', 'maya', 'bulk_' || lpad(i::text, 4, '0'), null, 'bulk fact ' || i, 0.01, false, 'api', ${new Date(NOW)}
      from generate_series(1, 300) as i`.execute(db());
    const { candidates } = await load();
    expect(candidates).toHaveLength(CONTEXT_CANDIDATE_LIMIT);
    const kept = new Set(candidates.map((c) => c.id));
    for (const id of [
      `fact:${ids.shared}`,
      `fact:${ids.ofLuna}`,
      `memory:${ids.memory}`,
      'conversation:marathon training',
    ])
      expect(kept.has(id), id).toBe(true);
  });

  it("asks the bot's memory with a signed request, and takes its answer as the candidates", async () => {
    const put = await configure({ url: bot.url, secret: CALLBACK_SECRET });
    expect(put.status).toBe(201);
    bot.answer((_, res) => json(res, 200, ANSWER));
    const context = await load();

    expect(bot.calls).toHaveLength(1);
    const call = bot.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call.rawBody)).toEqual({
      tenantId: 'default',
      userId: 'maya',
      characterId: 'luna',
      purpose: 'compose',
      now: NOW,
      limit: CONTEXT_CANDIDATE_LIMIT,
    });
    // the bot checks the call as docs/CONTEXT-PROVIDER.md says: HMAC-SHA256 of "<timestamp>.<raw body>"
    const timestamp = call.headers['x-overture-timestamp'] as string;
    expect(timestamp).toBe(String(Date.parse(NOW) / 1000));
    const expected = createHmac('sha256', CALLBACK_SECRET)
      .update(`${timestamp}.${call.rawBody}`)
      .digest('hex');
    expect(call.headers['x-overture-signature']).toBe(`sha256=${expected}`);
    const signature = call.headers['x-overture-signature'] as string;
    expect(
      verifyHook(CALLBACK_SECRET, { timestamp, signature, rawBody: call.rawBody }, Date.parse(NOW)),
    ).toMatchObject({ valid: true });
    expect(
      verifyHook('another-secret-of-16', { timestamp, signature, rawBody: call.rawBody }, Date.parse(NOW)),
    ).toMatchObject({ valid: false });

    expect(context).toEqual({
      source: 'callback',
      candidates: [
        {
          id: 'cb:fact:f-1',
          kind: 'fact',
          text: 'Has a sister called Luna',
          salience: 0.8,
          atMs: Date.parse('2026-11-01T09:00:00Z'),
          sensitive: false,
          characterId: 'luna',
        },
        {
          id: 'cb:memory:m-1',
          kind: 'memory',
          text: 'Ran a half marathon',
          salience: 0.5,
          atMs: Date.parse('2026-11-15T08:00:00Z'),
          sensitive: true,
          characterId: 'luna',
        },
        {
          id: 'cb:open_loop:l-1',
          kind: 'open_loop',
          text: 'Has a job interview on Friday',
          mention: 'your interview',
          salience: 0.7,
          atMs: Date.parse('2026-11-20T18:00:00Z'),
          dueAtMs: Date.parse('2026-11-27T08:00:00Z'),
          sensitive: false,
          characterId: 'luna',
        },
        {
          id: 'cb:conversation:marathon',
          kind: 'conversation',
          text: 'marathon training',
          // no time given: learned now
          salience: 0.5,
          atMs: Date.parse(NOW),
          sensitive: false,
          characterId: 'luna',
        },
      ],
    });
    // another character keeps the built-in store
    expect((await load('max')).source).toBe('builtin');
    expect(bot.calls).toHaveLength(1);
  });

  it("keeps at most the limit of the bot's answer, the most salient", async () => {
    await configure({ url: bot.url, secret: CALLBACK_SECRET });
    const facts = Array.from({ length: 250 }, (_, i) => ({
      id: `f${i}`,
      text: `fact ${i}`,
      salience: i / 250,
    }));
    bot.answer((_, res) => json(res, 200, { facts }));
    const { candidates, source } = await load();
    expect(source).toBe('callback');
    expect(candidates).toHaveLength(CONTEXT_CANDIDATE_LIMIT);
    expect(candidates.map((c) => c.id)).not.toContain('cb:fact:f49');
    expect(candidates.map((c) => c.id)).toContain('cb:fact:f50');
  });

  const chunked =
    (body: string): Answer =>
    (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.slice(i, i + 64 * 1024));
      res.end();
    };
  const big = JSON.stringify({ facts: [{ id: 'f', text: 'x'.repeat(1024 * 1024) }] });
  const FAILURES: {
    name: string;
    answer?: Answer;
    url?: () => Promise<string>;
    timeoutMs?: number;
    reason: string | RegExp;
  }[] = [
    // holds the call: only the timeout ends it
    { name: 'does not answer in time', answer: () => {}, timeoutMs: 150, reason: 'timeout after 150 ms' },
    { name: 'answers 500', answer: (_, res) => json(res, 500, { error: 'oops' }), reason: 'HTTP 500' },
    {
      name: 'redirects',
      answer: (_, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end(),
      reason: 'HTTP 302 (redirects are not followed)',
    },
    { name: 'refuses the connection', url: closedPortUrl, reason: /^request failed: ECONNREFUSED/ },
    {
      name: 'answers with something other than JSON',
      answer: (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"facts": ['),
      reason: 'response is not JSON',
    },
    {
      name: 'breaks a rule of the schema',
      answer: (_, res) =>
        json(res, 200, { facts: [{ id: 'f', text: 'x', salience: 1.5 }], memories: [{ id: 'm' }] }),
      reason: 'response.facts[0].salience: must be at most 1 (and 1 more)',
    },
    {
      name: 'answers with a list that is not a list',
      answer: (_, res) => json(res, 200, { topics: 'chess' }),
      reason: 'response.topics: must be an array',
    },
    {
      name: 'declares a body over 1 MB',
      answer: (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big),
      reason: 'response larger than 1048576 bytes (1 MB)',
    },
    {
      name: 'streams a body over 1 MB',
      answer: chunked(big),
      reason: 'response larger than 1048576 bytes (1 MB)',
    },
  ];
  for (const failure of FAILURES) {
    it(`falls back to the built-in store, saying why, when the bot's memory ${failure.name}`, async () => {
      const url = failure.url ? await failure.url() : bot.url;
      if (failure.answer) bot.answer(failure.answer);
      const put = await configure({ url, secret: CALLBACK_SECRET, timeoutMs: failure.timeoutMs ?? 2000 });
      expect(put.status).toBe(201);
      const context = await load();
      expect(context.source).toBe('builtin');
      if (typeof failure.reason === 'string') expect(context.fallbackReason).toBe(failure.reason);
      else expect(context.fallbackReason).toMatch(failure.reason);
      expect(context.candidates.map((c) => c.id)).toContain(`fact:${ids.ofLuna}`);
      expect(context.candidates.map((c) => c.id)).toContain('conversation:marathon training');
      expect(bot.calls).toHaveLength(failure.url ? 0 : 1);
    });
  }

  it('rejects with the reason of a caller that gives up, without falling back', async () => {
    await configure({ url: bot.url, secret: CALLBACK_SECRET });
    bot.answer(() => {});
    const controller = new AbortController();
    const pending = load('luna', controller.signal);
    await bot.nextCall();
    controller.abort(new Error('the sweep gave up'));
    await expect(pending).rejects.toThrow('the sweep gave up');
  });

  it('configures, reads, replaces and removes a callback, never showing the secret, each change audited', async () => {
    const created = await configure({ url: bot.url, secret: CALLBACK_SECRET });
    expect(created.status).toBe(201);
    const view = {
      characterId: 'luna',
      url: bot.url,
      timeoutMs: 2000,
      hasSecret: true,
      createdAt: NOW,
      updatedAt: NOW,
    };
    expect(created.body).toEqual(view);
    expect(await ok({ method: 'GET', url: '/v1/characters/luna/context-provider' })).toEqual(view);

    // stored sealed: not the secret, and it opens only as luna's of this tenant
    const [row] = await rows();
    expect(row!.secret_sealed).not.toContain(CALLBACK_SECRET);
    expect(row!.secret_sealed).toMatch(/^v1\./);
    const box = SecretBox.fromText(SECRET_KEY);
    expect(box.open(row!.secret_sealed, 'context-provider/default/luna')).toBe(CALLBACK_SECRET);
    expect(() => box.open(row!.secret_sealed, 'context-provider/default/max')).toThrow(/does not decrypt/);

    t.clock.advance({ minutes: 5 });
    const other = await startFakeBotMemory('/v2');
    try {
      const replaced = await configure({ url: other.url, secret: CALLBACK_SECRET, timeoutMs: 500 });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toEqual({
        ...view,
        url: other.url,
        timeoutMs: 500,
        updatedAt: '2026-11-23T12:05:00.000Z',
      });
      // the change is used at once: the new URL is called, the old one not
      expect((await load()).source).toBe('callback');
      expect(other.calls).toHaveLength(1);
      expect(bot.calls).toHaveLength(0);
    } finally {
      await other.close();
    }

    const removed = await t.request({ method: 'DELETE', url: '/v1/characters/luna/context-provider' });
    expect(removed.status).toBe(204);
    const gone = await t.request({ method: 'GET', url: '/v1/characters/luna/context-provider' });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe(
      'context provider of character "luna" (it uses the built-in store) not found',
    );
    expect((await t.request({ method: 'DELETE', url: '/v1/characters/luna/context-provider' })).status).toBe(
      404,
    );
    expect(await load()).toMatchObject({ source: 'builtin' });
    expect((await load()).fallbackReason).toBeUndefined();
    expect(await rows()).toEqual([]);

    const audit = (await ok({ method: 'GET', url: '/v1/audit' })).entries;
    expect(audit.map((e: { action: string; subject: string }) => [e.action, e.subject])).toEqual([
      ['context_provider.created', 'character:luna'],
      ['context_provider.updated', 'character:luna'],
      ['context_provider.deleted', 'character:luna'],
    ]);
    expect(audit[1].detail).toEqual({
      before: { url: bot.url, timeoutMs: 2000 },
      after: { url: expect.stringContaining('/v2'), timeoutMs: 500 },
      secretChanged: false,
    });
    expect(JSON.stringify(audit)).not.toContain(CALLBACK_SECRET);
    expect((await ok({ method: 'GET', url: '/v1/audit/verify' })).ok).toBe(true);
  });

  it('records a changed secret as changed, and signs with the new one', async () => {
    await configure({ url: bot.url, secret: CALLBACK_SECRET });
    await configure({ url: bot.url, secret: 'a-new-secret-of-luna' });
    const audit = (await ok({ method: 'GET', url: '/v1/audit' })).entries;
    expect(audit[1].detail.secretChanged).toBe(true);
    await load();
    const call = bot.calls[0]!;
    const verdict = verifyHook(
      'a-new-secret-of-luna',
      {
        timestamp: call.headers['x-overture-timestamp'] as string,
        signature: call.headers['x-overture-signature'] as string,
        rawBody: call.rawBody,
      },
      Date.parse(NOW),
    );
    expect(verdict.valid).toBe(true);
  });

  it('does the same through the library', async () => {
    const { view, created } = await tenant().putContextProvider('luna', {
      url: bot.url,
      secret: CALLBACK_SECRET,
    });
    expect(created).toBe(true);
    expect(view).not.toHaveProperty('secret');
    expect(await tenant().getContextProvider('luna')).toEqual(view);
    await expect(
      tenant().putContextProvider('luna', { url: 'file:///etc/passwd', secret: CALLBACK_SECRET }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'url' }],
    });
    await tenant().deleteContextProvider('luna');
    await expect(tenant().getContextProvider('luna')).rejects.toMatchObject({ code: 'not_found' });
    expect(await auditActions()).toEqual(['context_provider.created', 'context_provider.deleted']);
  });

  it('answers 404 for an unknown character, and writes nothing', async () => {
    for (const method of ['PUT', 'GET', 'DELETE'] as const) {
      const res = await t.request({
        method,
        url: '/v1/characters/ghost/context-provider',
        ...(method === 'PUT' ? { payload: { url: bot.url, secret: CALLBACK_SECRET } } : {}),
      });
      expect(res.status, method).toBe(404);
      expect(res.body.error.message).toBe('character "ghost" not found');
    }
    expect(await rows()).toEqual([]);
    expect(await auditActions()).toEqual([]);
  });

  it.each([
    ['no url', { secret: CALLBACK_SECRET }, 'url', /required/],
    ['an ftp url', { url: 'ftp://127.0.0.1/x', secret: CALLBACK_SECRET }, 'url', /http: or https:/],
    ['a url that is not one', { url: 'bot memory', secret: CALLBACK_SECRET }, 'url', /http: or https:/],
    [
      'a url with a password',
      { url: 'http://bot:pw@127.0.0.1/x', secret: CALLBACK_SECRET },
      'url',
      /user name or password/,
    ],
    ['no secret', { url: 'http://127.0.0.1/x' }, 'secret', /required/],
    [
      'a secret of 15 characters',
      { url: 'http://127.0.0.1/x', secret: 'x'.repeat(15) },
      'secret',
      /at least 16/,
    ],
    [
      'a timeout of 50 ms',
      { url: 'http://127.0.0.1/x', secret: CALLBACK_SECRET, timeoutMs: 50 },
      'timeoutMs',
      /at least 100/,
    ],
    [
      'a timeout of 20 s',
      { url: 'http://127.0.0.1/x', secret: CALLBACK_SECRET, timeoutMs: 20_000 },
      'timeoutMs',
      /at most 10000/,
    ],
    [
      'a fractional timeout',
      { url: 'http://127.0.0.1/x', secret: CALLBACK_SECRET, timeoutMs: 150.5 },
      'timeoutMs',
      /whole number/,
    ],
    [
      'an unknown field',
      { url: 'http://127.0.0.1/x', secret: CALLBACK_SECRET, retries: 3 },
      'retries',
      /not a known field/,
    ],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_, payload, path, rule) => {
    const res = await configure(payload);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const issue = res.body.error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, JSON.stringify(res.body.error.issues)).toBeDefined();
    expect(issue.rule).toMatch(rule);
    expect(JSON.stringify(res.body)).not.toContain(CALLBACK_SECRET);
    expect(await rows()).toEqual([]);
    expect(await auditActions()).toEqual([]);
  });

  it("does not call a callback whose sealed secret was copied from another character's row", async () => {
    await configure({ url: bot.url, secret: CALLBACK_SECRET });
    const [luna] = await rows();
    await sql`
      insert into context_providers (tenant_id, character_id, url, secret_sealed, timeout_ms, created_at, updated_at)
      values ('default', 'max', ${bot.url}, ${luna!.secret_sealed}, 2000, ${new Date(NOW)}, ${new Date(NOW)})`.execute(
      db(),
    );
    const context = await load('max');
    expect(context.source).toBe('builtin');
    expect(context.fallbackReason).toMatch(/secret cannot be opened: does not decrypt/);
    expect(context.candidates.map((c) => c.id)).toContain(`fact:${ids.ofMax}`);
    expect(bot.calls).toHaveLength(0);
  });
});

describe.each(BACKENDS)('context providers without OVERTURE_SECRET_KEY on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
    await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: event({ userId: 'maya', characterId: 'luna' }),
    });
  });
  afterEach(async () => {
    await t.close();
  });

  it('refuses to store a callback with 409 naming the setting, and writes nothing', async () => {
    const res = await t.request({
      method: 'PUT',
      url: '/v1/characters/luna/context-provider',
      payload: { url: 'http://127.0.0.1:9/context', secret: CALLBACK_SECRET },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/OVERTURE_SECRET_KEY/);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from context_providers`.execute(
      t.server.engine.database.db,
    );
    expect(rows[0]!.n).toBe(0);
    expect((await t.request({ method: 'GET', url: '/v1/audit' })).body.entries).toEqual([]);
  });

  it('uses the built-in store for a callback stored under a key the server no longer has, saying so', async () => {
    const sealed = SecretBox.fromText(SECRET_KEY).seal(CALLBACK_SECRET, 'context-provider/default/luna');
    await sql`
      insert into context_providers (tenant_id, character_id, url, secret_sealed, timeout_ms, created_at, updated_at)
      values ('default', 'luna', 'http://127.0.0.1:9/context', ${sealed}, 2000, ${new Date(NOW)}, ${new Date(NOW)})`.execute(
      t.server.engine.database.db,
    );
    const context = await t.server.engine
      .forTenant('default')
      .loadUserContext({ userId: 'maya', characterId: 'luna' });
    expect(context).toEqual({
      source: 'builtin',
      candidates: [],
      fallbackReason: "OVERTURE_SECRET_KEY is not set, so the callback's sealed secret cannot be opened",
    });
  });
});
