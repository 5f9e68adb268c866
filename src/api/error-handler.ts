import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, OvertureError } from '../contract/errors.js';

/** The one place where error codes become HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** Fastify's own client errors, by code, in our terms. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'invalid_request',
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
    return reply.status(STATUS[error.code]).send(errorBody(error.code, error.message, error.issues));
  }
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) {
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
