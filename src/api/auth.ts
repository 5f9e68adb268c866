import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../contract/api-key.schema.js';
import { OvertureError } from '../contract/errors.js';
import type { Principal } from '../engine/accounts/api-keys.js';
import { DEFAULT_TENANT } from '../engine/accounts/tenants.js';
import type { TenantEngine } from '../engine/use-cases/tenant-engine.js';
import type { RequestLimits } from './request-limits.js';

/**
 * What a route needs: open to all, any valid key, a key holding one scope, or `operator`: an
 * admin key of the operator's own tenant (the default one), for what spans every tenant.
 */
type Access = 'public' | 'any-key' | 'operator' | Scope;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Checks `Authorization: Bearer <key>` before anything else runs: a missing or unknown key is
 * 401, a key without the route's scope 403. Routes that do not exist need a key too, so
 * nothing but /health answers without one. The request limits apply here, before the body is
 * read: an address over its failed-authentication limit, a key or a tenant over its request
 * limit get 429.
 */
export function authHook(authenticate: (key: string) => Promise<Principal>, limits: RequestLimits) {
  return async function checkAccess(request: FastifyRequest, reply: FastifyReply) {
    const access = request.routeOptions.config.access ?? 'any-key';
    if (access === 'public') return;
    const key = bearerKey(request.headers.authorization);
    // an address over its limit of failed authentications costs no lookup
    limits.refuseBlockedAddress(request, reply, key);
    let principal: Principal;
    try {
      principal = await authenticate(key);
    } catch (error) {
      if (error instanceof OvertureError && error.code === 'unauthorized')
        await limits.countFailedAuth(request, reply);
      throw error;
    }
    limits.rememberKey(key);
    // who is counted; a request refused below never reaches its route
    request.principal = principal;
    await limits.countRequest(request, reply, principal);
    const scope = access === 'operator' ? 'admin' : access;
    if (scope !== 'any-key') requireScope(principal, scope);
    if (access === 'operator' && principal.tenantId !== DEFAULT_TENANT) {
      throw new OvertureError(
        'forbidden',
        `this route covers every tenant: only admin keys of the operator's tenant ("${DEFAULT_TENANT}") may use it`,
      );
    }
    request.principal = principal;
  };
}

/** The key of an `Authorization: Bearer <key>` header; `unauthorized` naming what is wrong. */
export function bearerKey(header: string | undefined): string {
  if (!header) {
    throw new OvertureError(
      'unauthorized',
      'missing Authorization header; send "Authorization: Bearer <API key>"',
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new OvertureError('unauthorized', 'the Authorization header must be "Bearer <API key>"');
  return match[1]!;
}

/** `forbidden` unless the key holds `scope`. */
export function requireScope(principal: Principal, scope: Scope): void {
  if (principal.scopes.includes(scope)) return;
  throw new OvertureError(
    'forbidden',
    `this route needs a key with the "${scope}" scope; this key has ${principal.scopes.map((s) => `"${s}"`).join(', ')}`,
  );
}

/**
 * The use cases of the caller's tenant, as the library has them, with the caller's key as the
 * actor the audit log names; routes behind authHook always have a caller.
 */
export function callerTenant(request: FastifyRequest): TenantEngine {
  const principal = request.principal;
  if (!principal) throw new OvertureError('unauthorized', 'no API key');
  return request.server.engine.forTenant(principal.tenantId, { actor: principal.keyId });
}
