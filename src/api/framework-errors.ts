import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-handler.js';

/** Fastify's longest path parameter (its `maxParamLength`); longer ones are refused by the router. */
export const MAX_PARAM_LENGTH = 512;

/**
 * Errors the router raises before any route runs (Fastify's `frameworkErrors`), in the engine's
 * error shape, naming the rule: a path that is not percent-encoded UTF-8 (`%FF`, a lone
 * surrogate's bytes), or a path segment past `MAX_PARAM_LENGTH`. Fastify's own body for these
 * has neither our shape nor the rule.
 */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return reply
      .status(414)
      .send(
        errorBody('invalid_request', `a path segment is longer than ${MAX_PARAM_LENGTH} characters`, [
          { path: 'url', rule: `path segments must be at most ${MAX_PARAM_LENGTH} characters` },
        ]),
      );
  return reply
    .status(error.statusCode ?? 400)
    .send(
      errorBody('invalid_request', 'the URL is not valid percent-encoded UTF-8', [
        { path: 'url', rule: 'must be percent-encoded UTF-8' },
      ]),
    );
}
