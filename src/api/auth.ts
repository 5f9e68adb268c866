import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../engine/api-keys.js';
import { OvertureError } from '../engine/errors.js';
import type { Scope } from '../engine/schemas/api-key.schema.js';

/** What a route needs: open to all, any valid key, or a key holding one scope. */
export type Access = 'public' | 'any-key' | Scope;

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
 * nothing but /health answers without one.
 */
export function authHook(authenticate: (key: string) => Promise<Principal>) {
  return async function checkAccess(request: FastifyRequest, _reply: FastifyReply) {
    const access = request.routeOptions.config.access ?? 'any-key';
    if (access === 'public') return;
    const header = request.headers.authorization;
    if (!header) {
      throw new OvertureError(
        'unauthorized',
        'missing Authorization header; send "Authorization: Bearer <API key>"',
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match)
      throw new OvertureError('unauthorized', 'the Authorization header must be "Bearer <API key>"');
    const principal = await authenticate(match[1]!);
    if (access !== 'any-key' && !principal.scopes.includes(access)) {
      throw new OvertureError(
        'forbidden',
        `this route needs a key with the "${access}" scope; this key has ${principal.scopes.map((s) => `"${s}"`).join(', ')}`,
      );
    }
    request.principal = principal;
  };
}

/** The caller's tenant; routes behind authHook always have one. */
export function tenantOf(request: FastifyRequest): string {
  if (!request.principal) throw new OvertureError('unauthorized', 'no API key');
  return request.principal.tenantId;
}
