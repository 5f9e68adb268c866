import { OvertureError } from '../../contract/errors.js';

/**
 * Why a statement failed for want of the database, read from the driver's error (`pg`, `pg-pool`,
 * Node's sockets), or undefined for any other error (a constraint, a syntax error...).
 *
 * - `unreachable`: no session could be had or kept: the connection was refused, reset or timed
 *   out, the server is shutting down or starting (SQLSTATE 57P01, 57P02, 57P03, class 08), or a
 *   statement got no answer at all (the engine's read timeout: a frozen server, a partition).
 * - `busy`: the server is there but did not serve in time: a statement ran past the statement
 *   timeout (57014), no pooled connection came free in time, or no connection slot was left (53300).
 */
export type DatabaseFault = 'unreachable' | 'busy';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown: a server stopping, or pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
]);

const BUSY_CODES = new Set([
  '57014', // query_canceled: statement_timeout
  '53300', // too_many_connections
]);

/** pg and pg-pool raise these without a code. */
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|Query read timeout|Client has encountered a connection error|Client was closed|timeout expired)/;
const BUSY_MESSAGES = /^timeout exceeded when trying to connect/; // waited for a pooled connection

export function databaseFault(error: unknown, depth = 0): DatabaseFault | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string') {
    if (UNREACHABLE_CODES.has(code) || code.startsWith('08')) return 'unreachable';
    if (BUSY_CODES.has(code)) return 'busy';
  }
  if (typeof message === 'string') {
    if (UNREACHABLE_MESSAGES.test(message)) return 'unreachable';
    if (BUSY_MESSAGES.test(message)) return 'busy';
  }
  // a connection to `localhost` tries each address and fails with all of them (AggregateError)
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const fault = databaseFault(inner, depth + 1);
      if (fault) return fault;
    }
  }
  return cause === undefined ? undefined : databaseFault(cause, depth + 1);
}

/**
 * The error callers see for a fault: `unavailable` (the API's 503 with `Retry-After`), in words
 * that do not give the database's address away (`/health` and every route may show it to a
 * caller without a key); the driver's error is its `cause`, for the log and the command line.
 */
export function unavailableError(fault: DatabaseFault, cause: unknown): OvertureError {
  const message =
    fault === 'unreachable'
      ? 'the database is unreachable; retry later'
      : 'the database is busy: a statement or a connection took longer than its timeout; retry later';
  return new OvertureError('unavailable', message, undefined, { cause });
}
