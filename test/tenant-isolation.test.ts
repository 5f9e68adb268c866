import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { registeredRoutes } from './helpers/routes.js';
import { StreamClient } from './helpers/stream-client.js';
import { ADMIN_KEY, event, startTestServer, type TestServer } from './helpers/test-server.js';

/**
 * Tenant A is the default tenant (admin key ADMIN_KEY), seeded once per backend on one server.
 * Each case gets a new tenant B beside it and acts with B's admin key, which holds every scope,
 * on A's ids; afterwards the test reads A's whole state again with A's keys and requires it
 * unchanged. Every case leaves A as the seeding made it, so A's state is read once before the
 * cases, not before each.
 */

const A = {
  users: ['alice-of-a', 'bob-of-a'],
  characters: ['aria-of-a', 'nova-of-a'],
  persona: 'persona-of-a',
  address: 'address-of-a',
  trigger: 'greet-of-a',
  contextUrl: 'http://127.0.0.1:9/memory-of-a',
  contextSecret: 'secret-of-a-0123456789',
  telegramToken: '123456:token-of-a',
  pending: 'sug-pending-of-a',
  delivery: 'dlv-of-a',
  funnel: 'funnel-of-a',
  run: 'run_of_a',
};
/** The funnel of A's that A's run is in, as the API takes it. */
const FUNNEL_OF_A = {
  funnelId: A.funnel,
  name: 'A funnel',
  start: 'hook',
  audience: { minEngagement: 'passive' },
  steps: [
    {
      stepId: 'hook',
      text: 'Hook of A?',
      choices: [{ choiceId: 'yes', label: 'Yes of A', action: 'advance' }],
      next: 'end',
      timeoutMinutes: 60,
    },
    { stepId: 'end', text: 'End of A', handoff: { of: 'a' } },
  ],
};
/** A period holding every funnel event of the file. */
const REPORT_PERIOD = 'from=2026-11-20T00:00:00Z&to=2026-12-20T00:00:00Z';
/** Tenant B's own user and character; each case gets a new tenant B (`Scenario.tenantIdB`). */
const B = { user: 'carol-of-b', character: 'zed-of-b' };

type Response = Awaited<ReturnType<TestServer['request']>>;

interface Scenario {
  t: TestServer;
  /** This case's tenant B, new for the case: nothing an earlier case did as B is in its way. */
  tenantIdB: string;
  /** A request with tenant B's admin key. */
  asB(options: InjectOptions): Promise<Response>;
  keyB: { key: string; keyId: string };
  /** Tenant A's keys: the configured admin key and a read-only one. */
  keysA: { key: string; keyId: string }[];
  /** Ids of a fact, a memory and an open loop of tenant A's first user. */
  factOfA: string;
  memoryOfA: string;
  loopOfA: string;
}

interface IsolationCase {
  behaviour: string;
  /**
   * For routes left out of the data checks, why they hold no tenant data. Their check still
   * makes sure that what B gets holds nothing of A's: no ids in a body, the same status as GET.
   */
  noTenantData?: string;
  check(s: Scenario): Promise<void>;
}

/** Seals the context callbacks' secrets; without it none can be stored. */
const SECRET_KEY = Buffer.alloc(32, 3).toString('base64');

const HEAD_ROUTE = "added by Fastify beside the GET route: no body, only the GET handler's status";

const expectNotFound = (res: Response) => {
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('not_found');
};

/** HEAD answers with the GET handler's status and no body; a status can still leak existence. */
const expectHead = async (s: Scenario, url: string, status: number) => {
  const res = await s.t.server.app.inject({
    method: 'HEAD',
    url,
    headers: { authorization: `Bearer ${s.keyB.key}` },
  });
  expect(res.statusCode).toBe(status);
  expect(res.body).toBe('');
};

/** For routes with no tenant data: nothing of tenant A shows up in what B gets. */
const expectNothingOfA = (s: Scenario, res: Response) => {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  const markers = [
    ...A.users,
    ...A.characters,
    A.persona,
    A.address,
    A.contextUrl,
    A.contextSecret,
    A.telegramToken,
    ADMIN_KEY,
  ];
  for (const { key, keyId } of s.keysA) markers.push(key, keyId);
  for (const marker of markers) expect(text).not.toContain(marker);
};

/** Awaits every promise of an object together, keeping its keys. */
async function awaitAll<T extends Record<string, Promise<unknown>>>(
  promises: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const entries = await Promise.all(
    Object.entries(promises).map(async ([name, promise]) => [name, await promise] as const),
  );
  return Object.fromEntries(entries) as { [K in keyof T]: Awaited<T[K]> };
}

const CASES: Record<string, IsolationCase> = {
  'GET /health': {
    behaviour: 'answers the same to everyone',
    noTenantData: 'liveness and database reachability only; open without a key',
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/health' });
      expect(res.body).toEqual({ status: 'ok', database: 'ok' });
    },
  },
  'HEAD /health': {
    behaviour: 'answers 200 with no body',
    noTenantData: 'added by Fastify beside GET /health; no body',
    check: (s) => expectHead(s, '/health', 200),
  },
  'GET /metrics': {
    behaviour:
      "refuses tenant B: the counters total every tenant's traffic, so only the operator's tenant reads them",
    noTenantData:
      'process-wide counters labelled by event kind, method, route pattern and status: no ids or content, but totals over every tenant, hence operator-only',
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/metrics' });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain("operator's tenant");
      expectNothingOfA(s, res);
    },
  },
  'HEAD /metrics': {
    behaviour: 'refuses tenant B with 403 and no body',
    noTenantData: 'added by Fastify beside GET /metrics; no body',
    check: (s) => expectHead(s, '/metrics', 403),
  },
  'GET /v1/openapi.json': {
    behaviour: "shows tenant B none of tenant A's ids",
    noTenantData: 'the API description, built from the route schemas, the same for every tenant',
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/openapi.json' });
      expect(res.status).toBe(200);
      expectNothingOfA(s, res);
    },
  },
  'HEAD /v1/openapi.json': {
    behaviour: 'answers 200 with no body',
    noTenantData: 'added by Fastify beside GET /v1/openapi.json; no body',
    check: (s) => expectHead(s, '/v1/openapi.json', 200),
  },

  'POST /v1/events': {
    behaviour: "stores tenant B's events under A's user, character and event ids as B's own",
    async check(s) {
      const res = await s.asB({
        method: 'POST',
        url: '/v1/events',
        // the very ids tenant A used: new events for B, not duplicates of A's
        payload: {
          events: [
            event({ id: 'a1', userId: A.users[0], characterId: A.characters[0] }),
            event({ id: 'a3', userId: A.users[1], characterId: A.characters[1], kind: 'session_start' }),
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 2, duplicates: 0 });
      const user = await s.asB({ method: 'GET', url: `/v1/users/${A.users[0]}` });
      expect(user.body.activity).toMatchObject({ eventCount: 1, inboundCount: 1, outboundCount: 0 });
      expect(user.body.characters.map((c: { characterId: string }) => c.characterId)).toEqual([
        A.characters[0],
      ]);
      const character = await s.asB({ method: 'GET', url: `/v1/characters/${A.characters[0]}` });
      expect(character.body).toMatchObject({ name: null, persona: null, proactiveEnabled: true });
    },
  },

  'GET /v1/users': {
    behaviour: "lists only tenant B's users",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/users?limit=1000' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ users: [{ userId: B.user }], next: null });
      const after = await s.asB({ method: 'GET', url: '/v1/users?after=a' });
      expect(after.body.users.map((u: { userId: string }) => u.userId)).toEqual([B.user]);
    },
  },
  'HEAD /v1/users': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/users', 200),
  },
  'GET /v1/users/:userId': {
    behaviour: "does not show tenant A's users to tenant B",
    async check(s) {
      for (const userId of A.users)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${userId}` }));
    },
  },
  'HEAD /v1/users/:userId': {
    behaviour: "answers 404 for tenant A's users, as GET does",
    noTenantData: HEAD_ROUTE,
    async check(s) {
      for (const userId of A.users) await expectHead(s, `/v1/users/${userId}`, 404);
    },
  },
  'GET /v1/users/:userId/activity': {
    behaviour: "does not show tenant A's users' activity to tenant B",
    async check(s) {
      for (const userId of A.users)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${userId}/activity` }));
    },
  },
  'HEAD /v1/users/:userId/activity': {
    behaviour: "answers 404 for tenant A's users, as GET does",
    noTenantData: HEAD_ROUTE,
    async check(s) {
      for (const userId of A.users) await expectHead(s, `/v1/users/${userId}/activity`, 404);
    },
  },
  'GET /v1/users/:userId/activity.svg': {
    behaviour: "does not draw tenant A's users for tenant B",
    async check(s) {
      for (const userId of A.users)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${userId}/activity.svg` }));
    },
  },
  'HEAD /v1/users/:userId/activity.svg': {
    behaviour: "answers 404 for tenant A's users, as GET does",
    noTenantData: HEAD_ROUTE,
    async check(s) {
      for (const userId of A.users) await expectHead(s, `/v1/users/${userId}/activity.svg`, 404);
    },
  },
  'GET /v1/users/:userId/next-good-time': {
    behaviour: "does not plan for tenant A's users on behalf of tenant B",
    async check(s) {
      for (const userId of A.users)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${userId}/next-good-time` }));
    },
  },
  'HEAD /v1/users/:userId/next-good-time': {
    behaviour: "answers 404 for tenant A's users, as GET does",
    noTenantData: HEAD_ROUTE,
    async check(s) {
      for (const userId of A.users) await expectHead(s, `/v1/users/${userId}/next-good-time`, 404);
    },
  },
  'PATCH /v1/users/:userId': {
    behaviour: "creates a separate user in tenant B when B patches tenant A's user id",
    async check(s) {
      const res = await s.asB({
        method: 'PATCH',
        url: `/v1/users/${A.users[0]}`,
        payload: { timezone: 'Asia/Tokyo', consent: 'opted_out', addresses: { slack: 'U-of-b' } },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        userId: A.users[0],
        timezone: 'Asia/Tokyo',
        locale: null,
        consent: 'opted_out',
        // A's telegram address is not merged in: this is a different record
        addresses: { slack: 'U-of-b' },
        createdAt: '2026-11-23T13:00:00.000Z',
        characters: [],
      });
      expect(res.body.activity.eventCount).toBe(0);
      const list = await s.asB({ method: 'GET', url: '/v1/users' });
      expect(list.body.users.map((u: { userId: string }) => u.userId)).toEqual([A.users[0], B.user]);
    },
  },

  'GET /v1/characters': {
    behaviour: "lists only tenant B's characters",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/characters?limit=1000' });
      expect(res.status).toBe(200);
      expect(res.body.characters.map((c: { characterId: string }) => c.characterId)).toEqual([B.character]);
      expect(res.body.next).toBeNull();
    },
  },
  'HEAD /v1/characters': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/characters', 200),
  },
  'GET /v1/characters/:characterId': {
    behaviour: "does not show tenant A's characters to tenant B",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/characters/${id}` }));
    },
  },
  'HEAD /v1/characters/:characterId': {
    behaviour: "answers 404 for tenant A's characters, as GET does",
    noTenantData: HEAD_ROUTE,
    async check(s) {
      for (const id of A.characters) await expectHead(s, `/v1/characters/${id}`, 404);
    },
  },
  'PUT /v1/characters/:characterId': {
    behaviour: "creates tenant B's own character when B puts tenant A's character id",
    async check(s) {
      const url = `/v1/characters/${A.characters[0]}`;
      const res = await s.asB({ method: 'PUT', url, payload: { name: 'Aria of B' } });
      // 201, not 200: nothing existed under this id for B
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ characterId: A.characters[0], name: 'Aria of B', persona: null });
      expect((await s.asB({ method: 'GET', url })).body.name).toBe('Aria of B');
    },
  },

  'GET /v1/tenant': {
    behaviour: 'tells tenant B about itself only',
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/tenant' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tenantId: s.tenantIdB, key: { keyId: s.keyB.keyId } });
    },
  },
  'GET /v1/tenants/:tenantId/limits': {
    behaviour:
      "refuses tenant B, for tenant A's limits and for its own: only the operator's tenant reads them",
    async check(s) {
      for (const tenantId of ['default', s.tenantIdB]) {
        const res = await s.asB({ method: 'GET', url: `/v1/tenants/${tenantId}/limits` });
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain("operator's tenant");
        expectNothingOfA(s, res);
      }
    },
  },
  'HEAD /v1/tenants/:tenantId/limits': {
    behaviour: 'refuses tenant B with 403 and no body',
    noTenantData: 'added by Fastify beside GET /v1/tenants/{tenantId}/limits; no body',
    check: (s) => expectHead(s, '/v1/tenants/default/limits', 403),
  },
  'PUT /v1/tenants/:tenantId/limits': {
    behaviour: "refuses tenant B, for tenant A's limits and for its own (a tenant does not raise its own)",
    async check(s) {
      for (const tenantId of ['default', s.tenantIdB]) {
        const res = await s.asB({
          method: 'PUT',
          url: `/v1/tenants/${tenantId}/limits`,
          payload: { keyRequestsPerMinute: 0 },
        });
        expect(res.status).toBe(403);
        expectNothingOfA(s, res);
      }
    },
  },
  'PATCH /v1/tenant': {
    behaviour: 'changes tenant B only',
    async check(s) {
      const res = await s.asB({
        method: 'PATCH',
        url: '/v1/tenant',
        payload: { name: 'B renamed', defaultTimezone: 'Asia/Tokyo' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tenantId: s.tenantIdB,
        name: 'B renamed',
        defaultTimezone: 'Asia/Tokyo',
      });
    },
  },
  'HEAD /v1/tenant': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/tenant', 200),
  },
  'GET /v1/keys': {
    behaviour: "lists only tenant B's keys",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/keys' });
      expect(res.status).toBe(200);
      expect(res.body.keys.map((k: { keyId: string }) => k.keyId)).toEqual([s.keyB.keyId]);
      expectNothingOfA(s, res);
    },
  },
  'HEAD /v1/keys': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/keys', 200),
  },
  'POST /v1/keys': {
    behaviour: 'creates a key that acts for tenant B only',
    async check(s) {
      const res = await s.asB({ method: 'POST', url: '/v1/keys', payload: { name: 'b-bot' } });
      expect(res.status).toBe(201);
      const key = res.body.key as string;
      const tenant = await s.t.request({ method: 'GET', url: '/v1/tenant', key });
      expect(tenant.body.tenantId).toBe(s.tenantIdB);
      expectNotFound(await s.t.request({ method: 'GET', url: `/v1/users/${A.users[0]}`, key }));
      const keys = await s.asB({ method: 'GET', url: '/v1/keys' });
      expect(keys.body.keys).toHaveLength(2);
    },
  },
  'DELETE /v1/keys/:keyId': {
    behaviour: "does not let tenant B revoke tenant A's keys",
    async check(s) {
      for (const { keyId } of s.keysA) {
        expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/keys/${keyId}` }));
      }
      // B's own key is untouched by the attempt
      expect((await s.asB({ method: 'GET', url: '/v1/keys' })).status).toBe(200);
    },
  },
  'GET /v1/policy': {
    behaviour: "gives tenant B its own policy, not tenant A's",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/policy' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ allowProactive: false, characters: {}, updatedAt: null });
    },
  },
  'HEAD /v1/policy': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/policy', 200),
  },
  'PUT /v1/policy': {
    behaviour: "changes tenant B's policy only, even when it names tenant A's characters",
    async check(s) {
      const payload = { allowProactive: true, characters: { [A.characters[0]!]: { minTrust: 0.9 } } };
      const res = await s.asB({ method: 'PUT', url: '/v1/policy', payload });
      expect(res.status).toBe(200);
      expect((await s.asB({ method: 'GET', url: '/v1/policy' })).body.allowProactive).toBe(true);
    },
  },
  'GET /v1/audit': {
    behaviour: "lists tenant B's changes only",
    async check(s) {
      await s.asB({ method: 'PUT', url: '/v1/policy', payload: { minGapMinutes: 5 } });
      const res = await s.asB({ method: 'GET', url: '/v1/audit' });
      expect(res.status).toBe(200);
      expect(res.body.entries).toHaveLength(1);
      expect(res.body.entries[0]).toMatchObject({ seq: 1, actor: s.keyB.keyId, action: 'policy.updated' });
      expectNothingOfA(s, res);
    },
  },
  'HEAD /v1/audit': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/audit', 200),
  },
  'GET /v1/audit/verify': {
    behaviour: "verifies tenant B's chain only",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/audit/verify' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, entries: 0, lastHash: '0'.repeat(64), signed: false });
    },
  },
  'HEAD /v1/audit/verify': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/audit/verify', 200),
  },
  'PATCH /v1/users/:userId/characters/:characterId': {
    behaviour: "answers 404 for tenant A's user and character",
    async check(s) {
      const url = `/v1/users/${A.users[0]}/characters/${A.characters[0]}`;
      expectNotFound(await s.asB({ method: 'PATCH', url, payload: { trust: 1 } }));
      const own = await s.asB({
        method: 'PATCH',
        url: `/v1/users/${B.user}/characters/${B.character}`,
        payload: { trust: 1 },
      });
      expect(own.body).toMatchObject({ userId: B.user, trust: 1 });
    },
  },
  'POST /v1/triggers': {
    behaviour: "creates tenant B's trigger even under an id tenant A uses",
    async check(s) {
      const payload = { id: A.trigger, name: 'B greeting', spec: { kind: 'silence', afterHours: 2 } };
      const res = await s.asB({ method: 'POST', url: '/v1/triggers', payload });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ triggerId: A.trigger, name: 'B greeting' });
    },
  },
  'GET /v1/triggers': {
    behaviour: "lists tenant B's triggers only",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/triggers' });
      expect(res.status).toBe(200);
      expect(res.body.triggers.map((x: { triggerId: string }) => x.triggerId)).not.toContain(A.trigger);
      expect(res.body.triggers.every((x: { enabled: boolean }) => !x.enabled)).toBe(true);
    },
  },
  'HEAD /v1/triggers': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/triggers', 200),
  },
  'GET /v1/triggers/:triggerId': {
    behaviour: "answers 404 for tenant A's trigger",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: `/v1/triggers/${A.trigger}` }));
    },
  },
  'HEAD /v1/triggers/:triggerId': {
    behaviour: "answers 404 for tenant A's trigger, with no body",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/triggers/${A.trigger}`, 404),
  },
  'PATCH /v1/triggers/:triggerId': {
    behaviour: "answers 404 for tenant A's trigger",
    async check(s) {
      expectNotFound(
        await s.asB({ method: 'PATCH', url: `/v1/triggers/${A.trigger}`, payload: { name: 'taken over' } }),
      );
    },
  },
  'POST /v1/triggers/:triggerId/enable': {
    behaviour: "enables tenant B's own built-in trigger, and answers 404 for tenant A's",
    async check(s) {
      expectNotFound(await s.asB({ method: 'POST', url: `/v1/triggers/${A.trigger}/enable` }));
      const res = await s.asB({ method: 'POST', url: '/v1/triggers/weekly-review/enable' });
      expect(res.body.enabled).toBe(true);
    },
  },
  'POST /v1/triggers/:triggerId/disable': {
    behaviour: "disables tenant B's own built-in trigger, and answers 404 for tenant A's",
    async check(s) {
      expectNotFound(await s.asB({ method: 'POST', url: `/v1/triggers/${A.trigger}/disable` }));
      const res = await s.asB({ method: 'POST', url: '/v1/triggers/idle-check-in/disable' });
      expect(res.body.enabled).toBe(false);
    },
  },
  'GET /v1/suggestions': {
    behaviour: "lists nothing of tenant A's, for A's user or tenant-wide",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: `/v1/suggestions?userId=${A.users[0]}` });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ suggestions: [], next: null });
      for (const url of [
        '/v1/suggestions',
        '/v1/suggestions?status=pending',
        `/v1/suggestions?characterId=${A.characters[0]}`,
      ]) {
        const all = await s.asB({ method: 'GET', url });
        expect(all.body).toEqual({ suggestions: [], next: null });
      }
    },
  },
  'HEAD /v1/suggestions': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/suggestions?userId=${A.users[0]}`, 200),
  },
  'GET /v1/suggestions/:suggestionId': {
    behaviour: "answers 404 for tenant A's suggestions",
    async check(s) {
      for (const id of ['sug-of-a', A.pending])
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/suggestions/${id}` }));
    },
  },
  'HEAD /v1/suggestions/:suggestionId': {
    behaviour: "answers 404 for tenant A's suggestion, as GET does",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/suggestions/${A.pending}`, 404),
  },
  'POST /v1/suggestions/:suggestionId/approve': {
    behaviour: "answers 404 for tenant A's pending suggestion, and sends nothing",
    async check(s) {
      expectNotFound(
        await s.asB({
          method: 'POST',
          url: `/v1/suggestions/${A.pending}/approve`,
          payload: { text: 'by B' },
        }),
      );
    },
  },
  'POST /v1/suggestions/:suggestionId/dismiss': {
    behaviour: "answers 404 for tenant A's pending suggestion",
    async check(s) {
      expectNotFound(
        await s.asB({
          method: 'POST',
          url: `/v1/suggestions/${A.pending}/dismiss`,
          payload: { reason: 'by B' },
        }),
      );
    },
  },
  'POST /v1/deliveries/:deliveryId/report': {
    behaviour: "answers 404 for tenant A's delivery",
    async check(s) {
      expectNotFound(
        await s.asB({
          method: 'POST',
          url: `/v1/deliveries/${A.delivery}/report`,
          payload: { status: 'sent' },
        }),
      );
    },
  },
  'POST /v1/triggers/:triggerId/fire': {
    behaviour: "answers 404 for tenant A's trigger, and for A's user under B's own trigger",
    async check(s) {
      const payload = { userId: A.users[0], characterId: A.characters[0] };
      expectNotFound(await s.asB({ method: 'POST', url: `/v1/triggers/${A.trigger}/fire`, payload }));
      await s.asB({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true } });
      await s.asB({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });
      const res = await s.asB({ method: 'POST', url: '/v1/triggers/idle-check-in/fire', payload });
      expectNotFound(res);
      expect(res.body.error.message).toContain(`user "${A.users[0]}"`);
    },
  },
  'PUT /v1/characters/:characterId/channels/:channel': {
    behaviour: "answers 404 for tenant A's characters, and configures tenant B's own",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(
          await s.asB({
            method: 'PUT',
            url: `/v1/characters/${id}/channels/telegram`,
            payload: { token: 'token-of-b-1' },
          }),
        );
      const own = await s.asB({
        method: 'PUT',
        url: `/v1/characters/${B.character}/channels/telegram`,
        payload: { token: 'token-of-b-1' },
      });
      expect(own.status).toBe(201);
    },
  },
  'GET /v1/characters/:characterId/channels/:channel': {
    behaviour: "does not show tenant A's channel to tenant B, even under a character id of B's own",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/characters/${id}/channels/telegram` }));
      await s.asB({ method: 'PUT', url: `/v1/characters/${A.characters[0]}`, payload: {} });
      expectNotFound(
        await s.asB({ method: 'GET', url: `/v1/characters/${A.characters[0]}/channels/telegram` }),
      );
    },
  },
  'HEAD /v1/characters/:characterId/channels/:channel': {
    behaviour: "answers 404 for tenant A's characters, as GET does",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/characters/${A.characters[0]}/channels/telegram`, 404),
  },
  'GET /v1/characters/:characterId/channels': {
    behaviour: "answers 404 for tenant A's characters, and lists none of A's under B's own",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/characters/${id}/channels` }));
      await s.asB({ method: 'PUT', url: `/v1/characters/${A.characters[0]}`, payload: {} });
      const res = await s.asB({ method: 'GET', url: `/v1/characters/${A.characters[0]}/channels` });
      expect(res.body).toEqual({ channels: [] });
    },
  },
  'HEAD /v1/characters/:characterId/channels': {
    behaviour: "answers 404 for tenant A's characters, as GET does",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/characters/${A.characters[0]}/channels`, 404),
  },
  'DELETE /v1/characters/:characterId/channels/:channel': {
    behaviour: "does not let tenant B remove tenant A's channel, even under a character id of B's own",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/characters/${id}/channels/telegram` }));
      await s.asB({ method: 'PUT', url: `/v1/characters/${A.characters[0]}`, payload: {} });
      expectNotFound(
        await s.asB({ method: 'DELETE', url: `/v1/characters/${A.characters[0]}/channels/telegram` }),
      );
    },
  },
  'GET /v1/llm-provider': {
    behaviour: "answers 404: tenant B has none of its own, and never sees tenant A's",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: '/v1/llm-provider' }));
    },
  },
  'HEAD /v1/llm-provider': {
    behaviour: 'answers 404 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/llm-provider', 404),
  },
  'PUT /v1/llm-provider': {
    behaviour: "sets tenant B's own provider",
    async check(s) {
      const payload = {
        kind: 'openai-compatible',
        baseUrl: 'http://models-of-b.test:9/b',
        model: 'model-of-b',
      };
      const res = await s.asB({ method: 'PUT', url: '/v1/llm-provider', payload });
      expect(res.status).toBe(200);
      expect((await s.asB({ method: 'GET', url: '/v1/llm-provider' })).body.model).toBe('model-of-b');
    },
  },
  'DELETE /v1/llm-provider': {
    behaviour: "answers 404 (tenant B has none) and leaves tenant A's",
    async check(s) {
      expectNotFound(await s.asB({ method: 'DELETE', url: '/v1/llm-provider' }));
    },
  },
  'GET /v1/characters/:characterId/llm-provider': {
    behaviour: "answers 404 for tenant A's character",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: `/v1/characters/${A.characters[0]}/llm-provider` }));
    },
  },
  'HEAD /v1/characters/:characterId/llm-provider': {
    behaviour: "answers 404 for tenant A's character, with no body",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/characters/${A.characters[0]}/llm-provider`, 404),
  },
  'PUT /v1/characters/:characterId/llm-provider': {
    behaviour: "answers 404 for tenant A's character",
    async check(s) {
      expectNotFound(
        await s.asB({
          method: 'PUT',
          url: `/v1/characters/${A.characters[0]}/llm-provider`,
          payload: { kind: 'template' },
        }),
      );
    },
  },
  'DELETE /v1/characters/:characterId/llm-provider': {
    behaviour: "answers 404 for tenant A's character",
    async check(s) {
      expectNotFound(
        await s.asB({ method: 'DELETE', url: `/v1/characters/${A.characters[0]}/llm-provider` }),
      );
    },
  },
  'POST /v1/users/:userId/facts': {
    behaviour: "answers 404 for tenant A's user",
    async check(s) {
      expectNotFound(
        await s.asB({ method: 'POST', url: `/v1/users/${A.users[0]}/facts`, payload: { text: 'planted' } }),
      );
    },
  },
  'GET /v1/users/:userId/facts': {
    behaviour: "answers 404 for tenant A's user",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${A.users[0]}/facts` }));
    },
  },
  'HEAD /v1/users/:userId/facts': {
    behaviour: "answers 404 for tenant A's user",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/users/${A.users[0]}/facts`, 404),
  },
  'DELETE /v1/users/:userId/facts/:factId': {
    behaviour: "answers 404 for tenant A's fact, under A's user or B's own",
    async check(s) {
      expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/users/${A.users[0]}/facts/${s.factOfA}` }));
      expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/users/${B.user}/facts/${s.factOfA}` }));
    },
  },
  'POST /v1/users/:userId/memories': {
    behaviour: "answers 404 for tenant A's user",
    async check(s) {
      expectNotFound(
        await s.asB({
          method: 'POST',
          url: `/v1/users/${A.users[0]}/memories`,
          payload: { text: 'planted' },
        }),
      );
    },
  },
  'GET /v1/users/:userId/memories': {
    behaviour: "answers 404 for tenant A's user",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${A.users[0]}/memories` }));
    },
  },
  'HEAD /v1/users/:userId/memories': {
    behaviour: "answers 404 for tenant A's user",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/users/${A.users[0]}/memories`, 404),
  },
  'DELETE /v1/users/:userId/memories/:memoryId': {
    behaviour: "answers 404 for tenant A's memory, under A's user or B's own",
    async check(s) {
      expectNotFound(
        await s.asB({ method: 'DELETE', url: `/v1/users/${A.users[0]}/memories/${s.memoryOfA}` }),
      );
      expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/users/${B.user}/memories/${s.memoryOfA}` }));
    },
  },
  'POST /v1/users/:userId/open-loops': {
    behaviour: "answers 404 for tenant A's user, and adds B's own loop under A's character id",
    async check(s) {
      const loop = { sentence: 'planted', dueAt: '2026-11-30T12:00:00Z', characterId: A.characters[0] };
      expectNotFound(
        await s.asB({ method: 'POST', url: `/v1/users/${A.users[0]}/open-loops`, payload: loop }),
      );
      // A's character id is not one of B's characters
      expectNotFound(await s.asB({ method: 'POST', url: `/v1/users/${B.user}/open-loops`, payload: loop }));
      const own = await s.asB({
        method: 'POST',
        url: `/v1/users/${B.user}/open-loops`,
        payload: { ...loop, characterId: B.character },
      });
      expect(own.status).toBe(201);
    },
  },
  'GET /v1/users/:userId/open-loops': {
    behaviour: "answers 404 for tenant A's user",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: `/v1/users/${A.users[0]}/open-loops` }));
      const own = await s.asB({ method: 'GET', url: `/v1/users/${B.user}/open-loops` });
      expect(own.body).toEqual({ openLoops: [], next: null });
    },
  },
  'HEAD /v1/users/:userId/open-loops': {
    behaviour: "answers 404 for tenant A's user",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/users/${A.users[0]}/open-loops`, 404),
  },
  'POST /v1/users/:userId/open-loops/:loopId/close': {
    behaviour: "answers 404 for tenant A's loop, under A's user or B's own",
    async check(s) {
      expectNotFound(
        await s.asB({ method: 'POST', url: `/v1/users/${A.users[0]}/open-loops/${s.loopOfA}/close` }),
      );
      expectNotFound(
        await s.asB({ method: 'POST', url: `/v1/users/${B.user}/open-loops/${s.loopOfA}/close` }),
      );
    },
  },
  'GET /v1/decisions': {
    behaviour: "lists only tenant B's own decisions, none of tenant A's user",
    async check(s) {
      // A's pairs are decided (aria may not speak first: blocked, and stored as such)
      s.t.clock.advance({ days: 2 });
      await s.t.server.engine.sweep();
      const ofA = await s.t.request({ method: 'GET', url: `/v1/decisions?userId=${A.users[0]}` });
      expect(ofA.body.decisions.length).toBeGreaterThan(0);
      const res = await s.asB({ method: 'GET', url: `/v1/decisions?userId=${A.users[0]}` });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ decisions: [], next: null });
      s.t.clock.advance({ days: -2 });
    },
  },
  'GET /v1/reports/engagement': {
    behaviour: "reports only tenant B's own messages, none of tenant A's",
    async check(s) {
      // A's message whose fate is unknown counts as sent in A's report
      const ofA = await s.t.request({ method: 'GET', url: '/v1/reports/engagement?groupBy=character' });
      expect(ofA.body.groups.map((g: { key: string; sent: number }) => [g.key, g.sent])).toEqual([
        [A.characters[0], 1],
      ]);
      const res = await s.asB({ method: 'GET', url: '/v1/reports/engagement?groupBy=character' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ groups: [], optOuts: 0 });
    },
  },
  'HEAD /v1/reports/engagement': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/reports/engagement', 200),
  },
  'POST /v1/funnels': {
    behaviour: "creates tenant B's own funnel under the id of tenant A's, leaving A's as it was",
    async check(s) {
      const res = await s.asB({
        method: 'POST',
        url: '/v1/funnels',
        payload: { ...FUNNEL_OF_A, name: 'B funnel' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ funnelId: A.funnel, name: 'B funnel', version: 1 });
    },
  },
  'GET /v1/funnels': {
    behaviour: "lists only tenant B's funnels",
    async check(s) {
      const res = await s.asB({ method: 'GET', url: '/v1/funnels' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ funnels: [] });
    },
  },
  'HEAD /v1/funnels': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/funnels', 200),
  },
  'GET /v1/funnels/:funnelId': {
    behaviour: "answers 404 for tenant A's funnel",
    async check(s) {
      expectNotFound(await s.asB({ method: 'GET', url: `/v1/funnels/${A.funnel}` }));
    },
  },
  'HEAD /v1/funnels/:funnelId': {
    behaviour: "answers 404 for tenant A's funnel, as GET does",
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/funnels/${A.funnel}`, 404),
  },
  'PUT /v1/funnels/:funnelId': {
    behaviour: "answers 404 for tenant A's funnel and changes nothing",
    async check(s) {
      const { funnelId: _, ...body } = FUNNEL_OF_A;
      expectNotFound(
        await s.asB({ method: 'PUT', url: `/v1/funnels/${A.funnel}`, payload: { ...body, name: 'B' } }),
      );
    },
  },
  'DELETE /v1/funnels/:funnelId': {
    behaviour: "answers 404 for tenant A's funnel and deletes nothing",
    async check(s) {
      expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/funnels/${A.funnel}` }));
    },
  },
  'POST /v1/replies': {
    behaviour: "passes tenant B's message through: A's user's run under the same ids is not B's",
    async check(s) {
      const res = await s.asB({
        method: 'POST',
        url: '/v1/replies',
        payload: { userId: A.users[0], characterId: A.characters[0], text: 'yes' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        consumed: false,
        event: 'passed_through',
        reason: 'no_funnel',
        runId: null,
        funnelId: null,
      });
    },
  },
  'POST /v1/callbacks': {
    behaviour: "passes a press of tenant A's button through for tenant B, moving nothing",
    async check(s) {
      const res = await s.asB({
        method: 'POST',
        url: '/v1/callbacks',
        payload: { userId: A.users[0], characterId: A.characters[0], data: `ovf:${A.run}:0:0` },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ consumed: false, event: 'passed_through', reason: 'unknown_run' });
    },
  },
  'GET /v1/reports/funnels': {
    behaviour: "reports only tenant B's funnels, none of tenant A's",
    async check(s) {
      const ofA = await s.t.request({ method: 'GET', url: `/v1/reports/funnels?${REPORT_PERIOD}` });
      expect(
        ofA.body.funnels.map((f: { funnelId: string; started: number }) => [f.funnelId, f.started]),
      ).toEqual([[A.funnel, 1]]);
      const res = await s.asB({ method: 'GET', url: `/v1/reports/funnels?${REPORT_PERIOD}` });
      expect(res.status).toBe(200);
      expect(res.body.funnels).toEqual([]);
    },
  },
  'HEAD /v1/reports/funnels': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/reports/funnels?${REPORT_PERIOD}`, 200),
  },
  'HEAD /v1/decisions': {
    behaviour: 'answers 200 with no body',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, `/v1/decisions?userId=${A.users[0]}`, 200),
  },
  'POST /v1/triggers/:triggerId/test': {
    behaviour: "answers 404 for tenant A's trigger, user and character, and decides for B's own",
    async check(s) {
      const a = { userId: A.users[0], characterId: A.characters[0] };
      expectNotFound(await s.asB({ method: 'POST', url: `/v1/triggers/${A.trigger}/test`, payload: a }));
      expectNotFound(await s.asB({ method: 'POST', url: '/v1/triggers/idle-check-in/test', payload: a }));
      const own = await s.asB({
        method: 'POST',
        url: '/v1/triggers/webhook-alert/test',
        payload: { userId: B.user, characterId: B.character },
      });
      // B's policy is its own: proactive messages are still off there
      expect(own.body).toMatchObject({ action: 'skip', reason: 'trigger' });
      expect(own.body.trace.find((c: { check: string }) => c.check === 'allow_proactive').passed).toBe(false);
    },
  },
  'POST /v1/triggers/:triggerId/secret': {
    behaviour: "answers 404 for tenant A's trigger",
    async check(s) {
      expectNotFound(await s.asB({ method: 'POST', url: `/v1/triggers/${A.trigger}/secret` }));
    },
  },
  'POST /v1/hooks/:triggerId': {
    behaviour: "answers 404 for tenant A's trigger called as tenant B's",
    async check(s) {
      const res = await s.t.request({
        method: 'POST',
        url: `/v1/hooks/${A.trigger}?tenant=${s.tenantIdB}`,
        key: null,
        payload: { userId: B.user, characterId: B.character },
      });
      expectNotFound(res);
      expectNothingOfA(s, res);
    },
  },
  'PUT /v1/characters/:characterId/context-provider': {
    behaviour: "answers 404 for tenant A's character, and configures tenant B's own",
    async check(s) {
      const payload = { url: 'http://memory-of-b.test:9/memory-of-b', secret: 'secret-of-b-0123456789' };
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'PUT', url: `/v1/characters/${id}/context-provider`, payload }));
      const own = await s.asB({
        method: 'PUT',
        url: `/v1/characters/${B.character}/context-provider`,
        payload,
      });
      expect(own.status).toBe(201);
      expect(own.body).toMatchObject({ characterId: B.character, url: payload.url });
    },
  },
  'GET /v1/characters/:characterId/context-provider': {
    behaviour: "does not show tenant A's callback to tenant B, even under a character id of B's own",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'GET', url: `/v1/characters/${id}/context-provider` }));
      await s.asB({ method: 'PUT', url: `/v1/characters/${A.characters[0]}`, payload: {} });
      const res = await s.asB({ method: 'GET', url: `/v1/characters/${A.characters[0]}/context-provider` });
      expectNotFound(res);
      expect(JSON.stringify(res.body)).not.toContain(A.contextUrl);
    },
  },
  'HEAD /v1/characters/:characterId/context-provider': {
    behaviour: "answers 404 for tenant A's characters, as GET does",
    noTenantData: HEAD_ROUTE,
    async check(s) {
      for (const id of A.characters) await expectHead(s, `/v1/characters/${id}/context-provider`, 404);
    },
  },
  'DELETE /v1/characters/:characterId/context-provider': {
    behaviour: "does not let tenant B remove tenant A's callback, even under a character id of B's own",
    async check(s) {
      for (const id of A.characters)
        expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/characters/${id}/context-provider` }));
      await s.asB({ method: 'PUT', url: `/v1/characters/${A.characters[0]}`, payload: {} });
      expectNotFound(
        await s.asB({ method: 'DELETE', url: `/v1/characters/${A.characters[0]}/context-provider` }),
      );
    },
  },
  'GET /v1/stream': {
    behaviour: "never sends tenant A's events to a stream opened with tenant B's key",
    async check(s) {
      const address = await s.t.server.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `${address.replace(/^http/, 'ws')}/v1/stream`;
      const ofB = await StreamClient.ready(url, s.keyB.key);
      const ofA = await StreamClient.ready(url, s.keysA[1]!.key);
      try {
        const { events } = s.t.server.engine;
        const [alice] = A.users as [string];
        const [aria] = A.characters as [string];
        const pair = { userId: alice, characterId: aria, suggestionId: 'sug-of-a' };
        events.emit('suggestion.created', {
          tenantId: 'default',
          ...pair,
          triggerId: A.trigger,
          approval: 'auto',
        });
        events.emit('suggestion.updated', {
          tenantId: 'default',
          ...pair,
          status: 'approved',
          reason: null,
          text: 'opener-of-a',
        });
        events.emit('delivery.updated', {
          tenantId: 'default',
          ...pair,
          deliveryId: 'del-of-a',
          channel: 'telegram',
          address: A.address,
          audience: 'private',
          status: 'sent',
          attempts: 1,
          reason: null,
          text: 'opener-of-a',
          choices: null,
        });
        // B's own event after A's: B's first event is its own, since a stream keeps emit order
        events.emit('suggestion.created', {
          tenantId: s.tenantIdB,
          userId: B.user,
          characterId: B.character,
          suggestionId: 'sug-of-b',
          triggerId: 'idle-check-in',
          approval: 'auto',
        });
        expect(await ofB.next()).toMatchObject({
          type: 'suggestion.created',
          data: { suggestionId: 'sug-of-b' },
        });
        expect(ofB.received).toEqual([
          { type: 'ready', tenantId: s.tenantIdB },
          expect.objectContaining({ data: expect.objectContaining({ tenantId: s.tenantIdB }) }),
        ]);
        expect(JSON.stringify(ofB.received)).not.toContain('-of-a');
        // A's own read key does get A's three, and not B's
        expect((await ofA.take(3)).map((m) => m.data.suggestionId)).toEqual([
          'sug-of-a',
          'sug-of-a',
          'sug-of-a',
        ]);
      } finally {
        await Promise.all([ofA.close(), ofB.close()]);
      }
    },
  },
  'HEAD /v1/stream': {
    behaviour: 'answers 426 with no body, as a plain GET does',
    noTenantData: HEAD_ROUTE,
    check: (s) => expectHead(s, '/v1/stream', 426),
  },
  'DELETE /v1/triggers/:triggerId': {
    behaviour: "answers 404 for tenant A's trigger",
    async check(s) {
      expectNotFound(await s.asB({ method: 'DELETE', url: `/v1/triggers/${A.trigger}` }));
    },
  },
};

describe.each(BACKENDS)('tenant isolation on %s', (backend) => {
  let t: TestServer;
  let keysA: Scenario['keysA'];
  let idsOfA: Pick<Scenario, 'factOfA' | 'memoryOfA' | 'loopOfA'>;
  /** The instant each case starts at: an hour after A was seeded. */
  let startOfCase: Date;
  /** A's state as the seeding made it (or a failed case left it): what each case must leave. */
  let before: Awaited<ReturnType<typeof stateOfA>>;
  let scenario: Scenario;
  let tenantsB = 0;

  const seed = async (options: InjectOptions, key = ADMIN_KEY) => {
    const res = await t.request({ ...options, key });
    expect(res.status, `${options.method} ${options.url}`).toBeLessThan(300);
    return res.body;
  };

  const asA = async (url: string, key = ADMIN_KEY) => {
    const res = await t.request({ method: 'GET', url, key });
    expect(res.status, `GET ${url} as tenant A`).toBe(200);
    return res.body;
  };

  /** A's keys as A lists them: lastUsedAt moves whenever A reads; nothing else about them may. */
  const keysOfA = async () => {
    const { keys } = (await asA('/v1/keys')) as {
      keys: { lastUsedAt: string | null; revokedAt: string | null }[];
    };
    return keys.map(({ lastUsedAt: _, ...key }) => key);
  };

  /** Everything tenant A can read, through A's own keys; the reads go out together. */
  function stateOfA() {
    return awaitAll({
      tenant: asA('/v1/tenant'),
      users: asA('/v1/users'),
      user: Promise.all(A.users.map((id) => asA(`/v1/users/${id}`))),
      // the activity model of each of A's users, as of a fixed instant
      activity: Promise.all(A.users.map((id) => asA(`/v1/users/${id}/activity?at=2026-11-23T18:00:00Z`))),
      characters: asA('/v1/characters'),
      character: Promise.all(A.characters.map((id) => asA(`/v1/characters/${id}`))),
      keys: keysOfA(),
      // A's read-only key still works and still sees A's users
      seenByReadKey: asA('/v1/users', keysA[1]!.key),
      policy: asA('/v1/policy'),
      audit: asA('/v1/audit'),
      auditVerdict: asA('/v1/audit/verify'),
      triggers: asA('/v1/triggers'),
      facts: asA(`/v1/users/${A.users[0]}/facts`),
      memories: asA(`/v1/users/${A.users[0]}/memories`),
      suggestions: asA(`/v1/suggestions?userId=${A.users[0]}`),
      llmProvider: asA('/v1/llm-provider'),
      characterLlmProvider: asA(`/v1/characters/${A.characters[0]}/llm-provider`),
      contextProvider: asA(`/v1/characters/${A.characters[0]}/context-provider`),
      openLoops: asA(`/v1/users/${A.users[0]}/open-loops`),
      queue: asA('/v1/suggestions?status=pending'),
      suggestion: Promise.all(['sug-of-a', A.pending].map((id) => asA(`/v1/suggestions/${id}`))),
      channels: asA(`/v1/characters/${A.characters[0]}/channels`),
      funnels: asA('/v1/funnels'),
      funnelReport: asA(`/v1/reports/funnels?${REPORT_PERIOD}`),
    });
  }

  beforeAll(async () => {
    t = await startTestServer(backend, {
      secretKey: SECRET_KEY,
      // The fake clock stands still, so every request of the file falls in one minute: A's keys
      // read A's whole state after each case, thousands of requests, past the default limits.
      keyRequestsPerMinute: 1_000_000,
      tenantRequestsPerMinute: 1_000_000,
    });
    const [alice, bob] = A.users as [string, string];
    const [aria, nova] = A.characters as [string, string];
    await seed({
      method: 'POST',
      url: '/v1/events',
      payload: {
        events: [
          event({ id: 'a1', userId: alice, characterId: aria, at: '2026-11-23T10:00:00Z' }),
          event({
            id: 'a2',
            userId: alice,
            characterId: aria,
            at: '2026-11-23T10:01:00Z',
            kind: 'message_out',
          }),
          event({
            id: 'a3',
            userId: bob,
            characterId: nova,
            at: '2026-11-23T09:00:00Z',
            kind: 'session_start',
          }),
          event({ id: 'a4', userId: bob, characterId: aria, at: '2026-11-23T09:05:00Z' }),
        ],
      },
    });
    await seed({
      method: 'PATCH',
      url: `/v1/users/${alice}`,
      payload: {
        timezone: 'Europe/Berlin',
        locale: 'de-DE',
        consent: 'opted_in',
        addresses: { telegram: A.address },
      },
    });
    await seed({
      method: 'PUT',
      url: `/v1/characters/${aria}`,
      payload: {
        name: 'Aria',
        persona: A.persona,
        proactiveEnabled: false,
        defaults: { timezone: 'Europe/Berlin' },
      },
    });
    const readKey = await seed({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'a-reader', scopes: ['read'] },
    });
    const adminKeyId = (await seed({ method: 'GET', url: '/v1/tenant' })).key.keyId;
    await seed({
      method: 'PUT',
      url: '/v1/policy',
      payload: { allowProactive: true, characters: { [aria]: { minTrust: 0.3 } } },
    });
    await seed({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: A.trigger, name: 'A greeting', spec: { kind: 'silence', afterHours: 12 } },
    });
    await seed({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });
    const factOfA = (
      await seed({ method: 'POST', url: `/v1/users/${alice}/facts`, payload: { text: 'A fact of A' } })
    ).factId;
    const memoryOfA = (
      await seed({ method: 'POST', url: `/v1/users/${alice}/memories`, payload: { text: 'A memory of A' } })
    ).memoryId;
    const loopOfA = (
      await seed({
        method: 'POST',
        url: `/v1/users/${alice}/open-loops`,
        payload: { sentence: 'A plan of A', dueAt: '2026-11-30T12:00:00Z', characterId: aria },
      })
    ).loopId;

    await seed({
      method: 'PUT',
      url: '/v1/llm-provider',
      payload: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/a', model: 'model-of-a' },
    });
    await seed({ method: 'PUT', url: `/v1/characters/${aria}/llm-provider`, payload: { kind: 'template' } });
    await seed({
      method: 'PUT',
      url: `/v1/characters/${aria}/context-provider`,
      payload: { url: A.contextUrl, secret: A.contextSecret },
    });

    // a suggestion of A's, as the scheduler and the drafter would have left it
    await sql`insert into suggestions (tenant_id, user_id, suggestion_id, character_id, trigger_id,
        occasion_key, status, approval, decision_id, created_at, updated_at, expires_at, text, composer)
      values ('default', ${alice}, 'sug-of-a', ${aria}, ${A.trigger}, 'manual:1', 'approved', 'auto',
        'dec-of-a', ${t.clock.now()}, ${t.clock.now()}, ${new Date(t.clock.now().getTime() + 86_400_000)},
        'opener-of-a', 'template'),
      ('default', ${alice}, ${A.pending}, ${aria}, ${A.trigger}, 'manual:2', 'pending', 'suggest',
        'dec-of-a', ${t.clock.now()}, ${t.clock.now()}, ${new Date(t.clock.now().getTime() + 86_400_000)},
        'pending-opener-of-a', 'template')`.execute(t.server.engine.database.db);
    await sql`insert into deliveries (tenant_id, user_id, delivery_id, suggestion_id, character_id, channel,
        address, text, expires_at, status, attempts, max_attempts, created_at, updated_at)
      values ('default', ${alice}, ${A.delivery}, 'sug-of-a', ${aria}, 'telegram', ${A.address}, 'opener-of-a',
        ${new Date(t.clock.now().getTime() + 86_400_000)}, 'unknown', 1, 6, ${t.clock.now()}, ${t.clock.now()})`.execute(
      t.server.engine.database.db,
    );
    await seed({
      method: 'PUT',
      url: `/v1/characters/${aria}/channels/telegram`,
      payload: { token: A.telegramToken },
    });
    // A's funnel, and Alice in it with Aria, its hook sent an hour ago (no due time: the cases
    // that move the clock must not expire it)
    await seed({ method: 'POST', url: '/v1/funnels', payload: FUNNEL_OF_A });
    const hourAgo = new Date(t.clock.now().getTime() - 3_600_000 + 60_000);
    await sql`insert into funnel_runs (tenant_id, user_id, run_id, character_id, funnel_id, version, trigger_id,
        decision_id, hook_suggestion_id, status, step_id, seq, step_sent_at, due_at, started_at)
      values ('default', ${alice}, ${A.run}, ${aria}, ${A.funnel}, 1, ${A.trigger}, 'dec-of-a', 'sug-of-a',
        'active', 'hook', 0, ${hourAgo}, null, ${hourAgo})`.execute(t.server.engine.database.db);
    await sql`insert into funnel_events (tenant_id, user_id, run_id, event_no, funnel_id, character_id, type,
        reason, step_id, seq, at)
      values ('default', ${alice}, ${A.run}, 1, ${A.funnel}, ${aria}, 'funnel_started', 'hook_sent', 'hook', 0,
        ${hourAgo})`.execute(t.server.engine.database.db);
    keysA = [
      { key: ADMIN_KEY, keyId: adminKeyId },
      { key: readKey.key, keyId: readKey.keyId },
    ];
    idsOfA = { factOfA, memoryOfA, loopOfA };
    // Any write by B to A's rows would now show as a new updatedAt.
    t.clock.advance({ hours: 1 });
    startOfCase = t.clock.now();
    before = await stateOfA();
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    // a case that moved the clock and failed before moving it back does not move the next one's
    t.clock.set(startOfCase);
    tenantsB += 1;
    const tenantIdB = `tenant-b-${tenantsB}`;
    const created = await t.server.engine.createTenant({ tenantId: tenantIdB });
    const keyB = { key: created.adminKey.key, keyId: created.adminKey.keyId };
    await seed(
      { method: 'POST', url: '/v1/events', payload: event({ userId: B.user, characterId: B.character }) },
      keyB.key,
    );
    scenario = {
      t,
      tenantIdB,
      asB: (options) => t.request({ ...options, key: keyB.key }),
      keyB,
      keysA,
      ...idsOfA,
    };
  });
  afterEach(async ({ task }) => {
    // A case that failed may have changed A, or stopped before reading it: the cases after it are
    // held to the state it left, so that they fail for what they do and the failure names only it.
    if (task.result?.state === 'fail') before = await stateOfA();
  });

  it('seeds tenant A with the data the cases try to reach', () => {
    expect(before.users.users.map((u: { userId: string }) => u.userId)).toEqual(A.users);
    expect(before.user[0]).toMatchObject({
      timezone: 'Europe/Berlin',
      addresses: { telegram: A.address },
      activity: { eventCount: 2 },
    });
    expect(before.characters.characters.map((c: { characterId: string }) => c.characterId)).toEqual(
      A.characters,
    );
    expect(before.character[0]).toMatchObject({ name: 'Aria', persona: A.persona });
    expect(before.keys).toHaveLength(2);
    expect(before.policy).toMatchObject({
      allowProactive: true,
      characters: { [A.characters[0]!]: { minTrust: 0.3 } },
    });
    expect(before.audit.entries.map((e: { action: string }) => e.action)).toEqual([
      'consent.opted_in',
      'api_key.created',
      'policy.updated',
      'trigger.created',
      'trigger.enabled',
      'llm_provider.saved',
      'llm_provider.saved',
      'context_provider.created',
      'channel.created',
      'funnel.created',
    ]);
    expect(before.auditVerdict).toMatchObject({ ok: true, entries: 10 });
    expect(before.funnels.funnels).toMatchObject([{ funnelId: A.funnel, version: 1 }]);
    expect(before.funnelReport.funnels).toMatchObject([{ funnelId: A.funnel, started: 1 }]);
    expect(before.llmProvider).toMatchObject({ model: 'model-of-a' });
    expect(before.suggestions.suggestions).toMatchObject([
      { suggestionId: A.pending, text: 'pending-opener-of-a' },
      { suggestionId: 'sug-of-a', text: 'opener-of-a' },
    ]);
    expect(before.characterLlmProvider).toMatchObject({ characterId: A.characters[0], kind: 'template' });
    expect(before.triggers.triggers.map((x: { triggerId: string }) => x.triggerId)).toContain(A.trigger);
    expect(before.seenByReadKey.users).toHaveLength(2);
    expect(before.facts.facts).toMatchObject([{ text: 'A fact of A' }]);
    expect(before.memories.memories).toMatchObject([{ text: 'A memory of A' }]);
    expect(before.contextProvider).toMatchObject({ characterId: A.characters[0], url: A.contextUrl });
    expect(before.openLoops.openLoops).toMatchObject([{ sentence: 'A plan of A', status: 'open' }]);
    expect(before.queue.suggestions).toMatchObject([{ suggestionId: A.pending }]);
    expect(before.suggestion[0].deliveries).toMatchObject([{ deliveryId: A.delivery, status: 'unknown' }]);
    expect(before.channels.channels).toMatchObject([{ channel: 'telegram', hasSecret: true }]);
  });

  for (const [route, { behaviour, check }] of Object.entries(CASES)) {
    it(`${route} ${behaviour}, and leaves tenant A unchanged`, async () => {
      await check(scenario);
      const after = await stateOfA();
      expect(after).toEqual(before);
      expect(after.keys.every((k) => k.revokedAt === null)).toBe(true);
    });
  }

  /**
   * Fastify offers no list of routes once the app is built (an onRoute hook would have to be
   * added before the routes). registeredRoutes() reads the tree printRoutes() draws, without the
   * HEAD routes Fastify adds beside each GET; those are derived here. Each entry of CASES is also
   * confirmed with app.hasRoute(), so a parse that drops a route fails the equality below instead
   * of passing silently, and a route added without an isolation case fails it too.
   */
  it('has an isolation case for every route the app serves', () => {
    const { app } = t.server;
    const registered = registeredRoutes(app);
    const heads = registered.filter((r) => r.startsWith('GET ')).map((r) => r.replace(/^GET/, 'HEAD'));
    expect(Object.keys(CASES).sort()).toEqual([...registered, ...heads].sort());
    for (const route of Object.keys(CASES)) {
      const [method, url] = route.split(' ') as ['GET', string];
      expect(app.hasRoute({ method, url }), route).toBe(true);
    }
  });
});
