import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, OvertureError } from '../contract/errors.js';

/** The one place where error codes become HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

/** What a 503 (the database unreachable or busy) tells the caller to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/** The only request body the API takes (build-api.ts removes Fastify's text/plain parser). */
const ACCEPTED_TYPE = 'application/json';

/** Fastify's own client errors, by code, in our terms. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

export function errorBody(code: ErrorCode, message: string, issues?: OvertureError['issues']) {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

export function handleError(
  error: FastifyError | OvertureError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof OvertureError) {
    // unavailable: the database's status logs the outage once, not each request it fails
    // (unless the refusal set its own: the body budget's is 1 s)
    if (error.code === 'unavailable' && !reply.hasHeader('retry-after'))
      reply.header('retry-after', RETRY_AFTER_SECONDS);
    return reply.status(STATUS[error.code]).send(errorBody(error.code, error.message, error.issues));
  }
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) {
    if (mapped === 'unsupported_media_type') {
      const type = request.headers['content-type'];
      const message = `${type ? `Content-Type "${type.slice(0, 100)}" is not accepted` : 'a body needs a Content-Type'}; send ${ACCEPTED_TYPE}`;
      return reply
        .status(STATUS[mapped])
        .send(
          errorBody(mapped, message, [
            { path: 'headers.content-type', field: 'content-type', rule: `must be ${ACCEPTED_TYPE}` },
          ]),
        );
    }
    const message =
      mapped === 'payload_too_large'
        ? `request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the server'} bytes`
        : fastifyError.message;
    return reply.status(STATUS[mapped]).send(errorBody(mapped, message));
  }
  // Any other client error that Fastify raised (malformed JSON and the like) keeps its status.
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code: ErrorCode = status === 413 ? 'payload_too_large' : 'invalid_request';
    return reply.status(status).send(errorBody(code, fastifyError.message));
  }
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: 'internal error; see the server log' } });
}
