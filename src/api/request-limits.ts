import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OvertureError } from '../contract/errors.js';
import { BoundedMap } from '../domain/shared/bounded-map.js';
import { hashKey, type Principal } from '../engine/accounts/api-keys.js';
import type { RequestCounter } from '../engine/accounts/request-limits.js';
import type { ApiEngine } from '../engine/use-cases/api-engine.js';
import type { Api } from './api-types.js';

/** Which limit refused a request: read by the metrics (`overture_http_requests_limited_total`). */
export type LimitName = 'key' | 'tenant' | 'failed_auth' | 'body_bytes';

declare module 'fastify' {
  interface FastifyRequest {
    limitedBy?: LimitName;
  }
}

const WINDOW_MS = 60_000;
/** A key that authenticated on this instance this recently still passes an address blocked for failures. */
const KNOWN_KEY_MS = 10 * 60_000;

/** The request limits the auth hook applies around the key lookup (docs/ARCHITECTURE.md, "Request limits"). */
export interface RequestLimits {
  /** 429 for an address over its failed-authentication limit, before its key is looked up. */
  refuseBlockedAddress(request: FastifyRequest, reply: FastifyReply, key: string): void;
  /** Counts a failed authentication; 429 instead of 401 for the one that goes over the limit. */
  countFailedAuth(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Remembers a key that authenticated, so that its address being blocked does not lock it out. */
  rememberKey(key: string): void;
  /** Counts the request for its key and its tenant (`request.principal`); 429 when either is over its limit. */
  countRequest(request: FastifyRequest, reply: FastifyReply, principal: Principal): Promise<void>;
}

/**
 * Per-key and per-tenant request limits and a per-address limit on failed authentication, each a
 * fixed window of a minute, counted by @fastify/rate-limit's limiters over the engine's request
 * counter (shared by every instance on PostgreSQL). A count that fails (the database is down) lets
 * the request through: authentication fails by itself then.
 */
export async function registerRequestLimits(app: Api, engine: ApiEngine): Promise<RequestLimits> {
  const { config, clock } = engine;
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    store: counterStore(engine.requestCounter, () => clock.now().getTime()),
  });
  const failedAuth = app.createRateLimit({
    keyGenerator: (request) => `auth:${normalizeIP(request.ip)}`,
    max: config.failedAuthPerMinute,
    timeWindow: WINDOW_MS,
  });
  const perKey = app.createRateLimit({
    keyGenerator: (request) => `key:${request.principal!.tenantId}:${request.principal!.keyId}`,
    max: (request) => keyLimit(request.principal!, config.keyRequestsPerMinute),
    timeWindow: WINDOW_MS,
  });
  const perTenant = app.createRateLimit({
    keyGenerator: (request) => `tenant:${request.principal!.tenantId}`,
    max: (request) => tenantLimit(request.principal!, config.tenantRequestsPerMinute),
    timeWindow: WINDOW_MS,
  });
  // Addresses over their failed-authentication limit, until their window ends (engine clock, ms):
  // known here so that their requests cost no database lookup at all.
  const blocked = new BoundedMap<string, number>(100_000);
  const knownKeys = new BoundedMap<string, number>(100_000);

  return {
    refuseBlockedAddress(request, reply, key) {
      const address = normalizeIP(request.ip);
      const until = blocked.get(address);
      if (until === undefined) return;
      const now = clock.now().getTime();
      if (until <= now) return;
      if ((knownKeys.get(hashKey(key)) ?? 0) > now) return;
      refuse(request, reply, 'failed_auth', config.failedAuthPerMinute, until - now);
    },
    async countFailedAuth(request, reply) {
      if (config.failedAuthPerMinute === 0) return;
      const result = await failedAuth(request);
      if (result.isAllowed || !result.isExceeded) return;
      blocked.set(normalizeIP(request.ip), clock.now().getTime() + result.ttl);
      refuse(request, reply, 'failed_auth', result.max, result.ttl);
    },
    rememberKey(key) {
      knownKeys.set(hashKey(key), clock.now().getTime() + KNOWN_KEY_MS);
    },
    async countRequest(request, reply, principal) {
      const limits = [
        [perKey, 'key', keyLimit(principal, config.keyRequestsPerMinute)],
        [perTenant, 'tenant', tenantLimit(principal, config.tenantRequestsPerMinute)],
      ] as const;
      const counted = await Promise.all(
        limits.map(([limiter, , max]) => (max > 0 ? limiter(request) : null)),
      );
      counted.forEach((result, i) => {
        if (result && !result.isAllowed && result.isExceeded)
          refuse(request, reply, limits[i]![1], result.max, result.ttl);
      });
    },
  };
}

const keyLimit = (principal: Principal, fallback: number) =>
  principal.requestLimits.keyRequestsPerMinute ?? fallback;
const tenantLimit = (principal: Principal, fallback: number) =>
  principal.requestLimits.tenantRequestsPerMinute ?? fallback;

const WHAT: Record<Exclude<LimitName, 'body_bytes'>, string> = {
  key: 'requests per minute for this API key',
  tenant: "requests per minute for this key's tenant",
  failed_auth: 'requests with an unknown or revoked key per minute from this address',
};

/** Throws `rate_limited` (429) with `Retry-After` and the limit's headers. */
function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  limit: Exclude<LimitName, 'body_bytes'>,
  max: number,
  ttlMs: number,
): never {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  request.limitedBy = limit;
  reply.header('retry-after', String(seconds));
  reply.header('x-ratelimit-limit', String(max));
  reply.header('x-ratelimit-remaining', '0');
  reply.header('x-ratelimit-reset', String(seconds));
  throw new OvertureError(
    'rate_limited',
    `too many requests: the limit is ${max} ${WHAT[limit]}; retry in ${seconds} s`,
  );
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * @fastify/rate-limit's store interface over the engine's request counter, so that every instance
 * counts in the same place and by the engine's clock (a test moves time with its fake clock).
 */
function counterStore(counter: RequestCounter, nowMs: () => number) {
  const answer = (cb: Callback) => (count: { hits: number; resetsAtMs: number }) =>
    cb(null, { current: count.hits, ttl: Math.max(0, count.resetsAtMs - nowMs()) });
  return class RequestCounterStore {
    incr(key: string, cb: Callback, timeWindow: number) {
      counter.count(key, timeWindow).then(answer(cb), (error: Error) => cb(error));
    }
    read(key: string, cb: Callback) {
      counter.read(key).then(answer(cb), (error: Error) => cb(error));
    }
    child() {
      return this;
    }
  };
}
