import type { FastifyRequest } from 'fastify';
import { OvertureError } from '../contract/errors.js';
import type { Api } from './api-types.js';

const RELEASE = Symbol('overture.bodyBudgetRelease');

declare module 'fastify' {
  interface FastifyRequest {
    [RELEASE]?: () => void;
  }
}

/** How many seconds a request refused for want of body budget is told to wait. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the request body bytes this instance holds at once, over all requests: a parsed JSON
 * body takes about ten times its size in memory, so eight large batches at once could take
 * gigabytes. A request's bytes (its Content-Length, or its route's limit when it is chunked) are
 * reserved after authentication and before the body is read, and released when its response has
 * gone (or its connection closed); a request that does not fit is refused with 503 and
 * `Retry-After`, without reading its body. A body over its route's limit is left to Fastify's 413.
 */
export function registerBodyBudget(app: Api, capacity: number): { inFlight(): number } {
  let inFlight = 0;
  app.addHook('preParsing', async (request, reply) => {
    const bytes = reservedBytes(request);
    if (bytes === 0) return;
    if (inFlight + bytes > capacity) {
      request.limitedBy = 'body_bytes';
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      throw new OvertureError(
        'unavailable',
        `the server is busy reading other request bodies (at most ${capacity} bytes at once); retry in ${RETRY_AFTER_SECONDS} s`,
      );
    }
    inFlight += bytes;
    const socket = request.raw.socket;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight -= bytes;
      reply.raw.off('close', release);
      socket?.off('close', release);
    };
    request[RELEASE] = release;
    // Released after the response (onResponse), or when the client goes away first: a client that
    // stops sending mid-body and closes its connection gets no response, and no onResponse.
    reply.raw.once('close', release);
    socket?.once('close', release);
  });
  app.addHook('onResponse', async (request) => request[RELEASE]?.());
  app.addHook('onRequestAbort', async (request) => request[RELEASE]?.());
  return { inFlight: () => inFlight };
}

/** The bytes a request's body may take: 0 without a body; nothing reserved past the route's limit (413). */
function reservedBytes(request: FastifyRequest): number {
  const limit = request.routeOptions.bodyLimit ?? 0;
  const declared = request.headers['content-length'];
  if (declared !== undefined) {
    const bytes = Number(declared);
    return Number.isSafeInteger(bytes) && bytes > 0 && bytes <= limit ? bytes : 0;
  }
  return request.headers['transfer-encoding'] !== undefined ? limit : 0;
}
