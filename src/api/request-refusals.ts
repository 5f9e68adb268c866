import type { FastifyReply, FastifyRequest } from 'fastify';
import { OvertureError } from '../contract/errors.js';
import type { Api } from './api-types.js';
import { errorBody } from './error-handler.js';

/**
 * Requests refused before any route runs, in the error shape of every other answer:
 *
 * - while the server shuts down, a request that arrives on a connection still open is
 *   `503 unavailable` (Fastify's own `return503OnClosing` answers in its own shape, so it is off);
 * - a path that exists with other methods is `405 method_not_allowed` with `Allow`; any other
 *   unknown route is `404 not_found`.
 *
 * Call before the routes are added (it watches them being added) and before other `onRequest`
 * hooks (a request during shutdown is refused before its key is looked up).
 */
export function refuseUnroutableRequests(app: Api): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) {
      throw new OvertureError(
        'unavailable',
        'the server is shutting down; send the request again (another instance may take it)',
      );
    }
  });

  const routes: { pattern: RegExp; method: string }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ pattern: pathPattern(route.url ?? route.path), method });
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length === 0) {
      return reply.status(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
    }
    const allow = allowed.sort().join(', ');
    return reply
      .status(405)
      .header('allow', allow)
      .send(errorBody('method_not_allowed', `${path} does not take ${request.method}; it takes ${allow}`));
  });
}

/** A route's URL (`/v1/users/:userId`, a trailing `*`) as a pattern that matches its paths. */
function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
