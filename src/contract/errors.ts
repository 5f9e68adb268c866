/**
 * Errors of the engine's use cases, by meaning. The API maps each code to an HTTP status in one
 * place (api/error-handler.ts); library callers switch on `code`.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

/** One broken rule in the input: where (path, and the batch index when there is one) and which rule. */
export interface InputIssue {
  /** Dotted path with indices, e.g. `events[3].at`. */
  path: string;
  /** Index of the item in a batch, when the issue is inside one. */
  index?: number;
  /** The field's name, e.g. `at`. */
  field?: string;
  /** The rule that failed, e.g. `must be an ISO 8601 date-time with a UTC offset`. */
  rule: string;
}

export class OvertureError extends Error {
  override name = 'OvertureError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: InputIssue[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const notFound = (what: string) => new OvertureError('not_found', `${what} not found`);
