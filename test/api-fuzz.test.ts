import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHook } from '../src/contract/hook-signature.js';
import { BACKENDS } from './helpers/backends.js';
import {
  type FuzzRequest,
  mutateBody,
  mutationArb,
  type Operation,
  operationsOf,
  type Pools,
  queryArb,
  segmentArb,
  valueArb,
} from './helpers/openapi-fuzz.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * Malformed requests over every operation of the OpenAPI document: never a 5xx, every 400 names
 * the field and the rule, and a refused request writes nothing. Reproduce a failure with the seed
 * it prints: `FUZZ_SEED=<seed> npx vitest run test/api-fuzz.test.ts`. Requests per operation:
 * `FUZZ_RUNS` (default 24, about 1,500 requests per back end).
 */
const SEED = Number(process.env.FUZZ_SEED ?? randomBytes(4).readUInt32BE(0) >>> 1);
/** Requests per operation on each back end: PGlite answers about half as fast here. */
const RUNS = (backend: string) => Number(process.env.FUZZ_RUNS ?? (backend === 'pglite' ? 16 : 24));
const NOON = Math.floor(Date.parse('2026-11-23T12:00:00Z') / 1000);

describe.each(BACKENDS)('malformed requests over every operation on %s', (backend) => {
  let t: TestServer;
  let pools: Pools;
  let hookSecret: string;
  let doc: Record<string, any>;

  beforeAll(async () => {
    console.log(`api fuzz on ${backend}: seed ${SEED}, ${RUNS(backend)} requests per operation`);
    t = await startTestServer(backend, { secretKey: randomBytes(32).toString('base64') });
    pools = await seed(t);
    hookSecret = pools.hookSecret![0]!;
    doc = (await t.request({ method: 'GET', url: '/v1/openapi.json' })).body;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers no 5xx, names the field of every 400, and writes nothing when it refuses', async () => {
    const db = t.server.engine.database.db;
    const tables = await tablesOf(db, t.server.engine.database.schema ?? 'public');
    // the data's checksum as the last accepted request left it
    let baseline = await checksum(db, tables);
    const operations = operationsOf(doc).filter((op) => op.path !== '/v1/stream');
    expect(operations.length).toBeGreaterThan(50);
    const seen = new Map<string, number>();
    const statuses = new Map<number, number>();

    // every problem is collected, so that one run lists them all (at most a few per operation)
    const problems: string[] = [];
    for (const [index, op] of operations.entries()) {
      const name = `${op.method} ${op.path}`;
      let found = 0;
      await fc.assert(
        fc.asyncProperty(requestArb(op, doc, pools), async (request) => {
          const before = await nextTransactionId(db);
          const res = await send(t, request, op, hookSecret);
          seen.set(name, (seen.get(name) ?? 0) + 1);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const problem = problemOf(res);
          // no transaction id was taken (nothing tried to write), or the rows are as they were
          const unchanged = async () =>
            (await nextTransactionId(db)) === before || (await checksum(db, tables)) === baseline;
          const written = res.status >= 400 && !(await unchanged());
          if ((problem || written) && found++ < 3)
            problems.push(
              `${name} (seed ${SEED + index}): ${problem ?? 'written though refused'}: ${request.method} ${request.url} [${request.mutation}] ${request.payload?.slice(0, 200) ?? ''} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`,
            );
          if ((res.status < 400 && (await nextTransactionId(db)) !== before) || written)
            baseline = await checksum(db, tables);
        }),
        { seed: SEED + index, numRuns: RUNS(backend) },
      );
    }
    console.log(`api fuzz on ${backend}: answers by status`, Object.fromEntries(statuses));
    expect(problems, `seed ${SEED}`).toEqual([]);
    expect(seen.size).toBe(operations.length);
  }, 600_000);
});

/** What is wrong with an answer to a malformed request, if anything. */
function problemOf(res: { status: number; body: any }): string | undefined {
  if (res.status >= 500) return 'a 5xx';
  if (res.status !== 400) return undefined;
  const error = res.body?.error;
  if (error?.code !== 'invalid_request') return 'a 400 without code invalid_request';
  const issues = error.issues;
  if (!Array.isArray(issues) || issues.length === 0) return 'a 400 without issues';
  for (const issue of issues) {
    if (typeof issue.path !== 'string' || issue.path === '') return 'an issue without a path';
    if (typeof issue.rule !== 'string' || issue.rule === '') return 'an issue without a rule';
  }
  return undefined;
}

function requestArb(op: Operation, doc: Record<string, any>, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const segments = fc.tuple(...op.pathParams.map((p) => segmentArb(p, pools)));
  const body = op.body
    ? fc.tuple(valueArb(op.body, doc, pools), mutationArb).map(([value, m]) => mutateBody(value, m))
    : fc.constant(undefined);
  return fc.tuple(segments, queryArb(op.query, doc, pools), body).map(([values, query, b]) => {
    let path = op.path;
    op.pathParams.forEach((p, i) => {
      path = path.replace(`{${p}}`, values[i]!);
    });
    return {
      method: op.method,
      url: `${path}${query}`,
      ...(b ? { payload: b.text } : {}),
      mutation: b?.description ?? 'no body',
    };
  });
}

async function send(t: TestServer, request: FuzzRequest, op: Operation, hookSecret: string) {
  const headers: Record<string, string> = {};
  if (request.payload !== undefined) headers['content-type'] = 'application/json';
  if (op.path === '/v1/hooks/{triggerId}') {
    // signed with the trigger's secret, so that the body is checked (an unsigned call is 401 first)
    headers['x-overture-timestamp'] = String(NOON);
    headers['x-overture-signature'] = signHook(hookSecret, NOON, request.payload ?? '');
  }
  return t.request({
    method: request.method as 'GET',
    url: request.url,
    headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
}

/** A tenant with some of everything, and the ids a request may name. */
async function seed(t: TestServer): Promise<Pools> {
  const ok = async (method: string, url: string, payload?: object) => {
    const res = await t.request({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  await ok('PUT', '/v1/policy', { allowProactive: true });
  for (const id of ['aria', 'luna']) await ok('PUT', `/v1/characters/${id}`, { name: id });
  const events = ['u1', 'u2'].flatMap((userId) =>
    [0, 1, 2].map((i) => ({
      id: `${userId}-${i}`,
      kind: 'message_in',
      userId,
      characterId: 'aria',
      at: `2026-11-2${i}T19:00:00Z`,
      text: 'my interview is on Friday',
      meta: { note: 'seed' },
    })),
  );
  await ok('POST', '/v1/events', { events });
  await ok('PATCH', '/v1/users/u1', { timezone: 'Europe/Berlin', addresses: { telegram: '111' } });
  const fact = await ok('POST', '/v1/users/u1/facts', { text: 'Has a dog called Rex', category: 'family' });
  const memory = await ok('POST', '/v1/users/u1/memories', { text: 'Went hiking', tags: ['outdoors'] });
  const loop = await ok('POST', '/v1/users/u1/open-loops', {
    sentence: 'My interview is on Friday at 3pm',
    dueAt: '2026-11-27T15:00:00+01:00',
    characterId: 'aria',
  });
  const hook = await ok('POST', '/v1/triggers', {
    id: 'deploys',
    name: 'Deploys',
    spec: { kind: 'webhook' },
  });
  await ok('POST', '/v1/triggers', { id: 'nudge', name: 'Nudge', spec: { kind: 'silence', afterHours: 24 } });
  await ok('PUT', '/v1/characters/aria/channels/telegram', {
    token: '123456:abcdefgh',
    apiRoot: 'http://127.0.0.1:9',
  });
  const key = await ok('POST', '/v1/keys', { name: 'reader', scopes: ['read'] });
  return {
    userId: ['u1', 'u2', 'nobody'],
    characterId: ['aria', 'luna', 'ghost'],
    triggerId: ['deploys', 'nudge', 'silence', 'missing'],
    factId: [fact.factId, 'f_missing'],
    memoryId: [memory.memoryId, 'm_missing'],
    loopId: [loop.loopId, 'l_missing'],
    keyId: [key.keyId, 'k_missing'],
    suggestionId: ['s_missing'],
    deliveryId: ['d_missing'],
    channel: ['telegram', 'discord', 'slack', 'webhook', 'stream', 'carrier-pigeon'],
    tenant: ['default', 'other'],
    hookSecret: [hook.secret],
  };
}

/**
 * The tables whose rows a request may write. Not `request_counters`: on PostgreSQL the request
 * limits (engine/accounts/request-limits.ts) count every request there, refused ones too.
 */
async function tablesOf(db: Kysely<any>, schema: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = ${schema} and table_type = 'BASE TABLE' and table_name <> 'request_counters'
    order by 1`.execute(db);
  return rows.map((r) => `${schema}.${r.name}`);
}

/**
 * The next transaction id the server will give: it moves only when a transaction writes (or
 * when another session does, on a shared PostgreSQL server; then the checksum decides).
 */
async function nextTransactionId(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{
    x: string;
  }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db);
  return rows[0]!.x;
}

/** One hash of every row of every table: equal before and after, nothing was written. */
async function checksum(db: Kysely<any>, tables: string[]): Promise<string> {
  const parts = tables.map(
    (table) =>
      sql`select ${table} as t, md5(coalesce(string_agg(md5(x::text), '' order by md5(x::text)), '')) as h from ${sql.raw(table)} x`,
  );
  const { rows } = await sql<{ t: string; h: string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return rows.map((r) => `${r.t}:${r.h}`).join(' ');
}
