import { outboundRefusalOf } from '../../net/guarded-fetch.js';
import type { SendResult } from '../../ports/channel.js';

/**
 * The signals one `send` runs under: the caller's, and the adapter's own deadline over the whole
 * send (every request it makes), so that a send never outlives `timeoutMs` whatever the library
 * does.
 */
/** Every result but `sent`: what a failed send is classified as. */
export type SendFailure = Exclude<SendResult, { outcome: 'sent' }>;

export interface SendAttempt {
  caller: AbortSignal;
  deadline: AbortSignal;
  timeoutMs: number;
  /** Both: what the library's requests are given. */
  signal: AbortSignal;
}

export function startAttempt(caller: AbortSignal, timeoutMs: number): SendAttempt {
  const deadline = AbortSignal.timeout(timeoutMs);
  return { caller, deadline, timeoutMs, signal: AbortSignal.any([caller, deadline]) };
}

/** A send whose caller gave up before it began: nothing was sent, so it can be tried again. */
export function notStarted(caller: AbortSignal): SendFailure | null {
  return caller.aborted
    ? { outcome: 'retry', reason: `${callerStop(caller)} before sending`, retryAfterMs: null }
    : null;
}

/**
 * Why the caller's signal fired: its own deadline (the engine gives each send one, with
 * `AbortSignal.timeout`, whose reason is a `TimeoutError`) or a cancellation (shutting down).
 */
function callerStop(caller: AbortSignal): string {
  const reason = caller.reason as { name?: unknown } | undefined;
  return reason?.name === 'TimeoutError' ? "timed out (the caller's deadline)" : 'aborted by the caller';
}

/**
 * Error codes that mean no connection was made, so the request was certainly not delivered:
 * refused, no route, no such host (node's, and undici's connect timeout).
 */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * What a request that got no usable answer means for the message. `carriesMessage` is false
 * for a preparatory request (opening a DM channel): whatever became of it, nothing was sent, so
 * the send may be retried. For the request that carries the message, only a failure to connect
 * proves it was not delivered; a timeout, an abort or a connection lost after it was written
 * leaves it `unknown`.
 *
 * A call the outbound guard refused (an address the operator's rules forbid, a redirect) is
 * `permanent`: it will not work until the settings or the rules change; its reason is the rule.
 *
 * The reason names error codes, never messages of nested errors, which may hold the request's
 * URL (Telegram's has the bot token in its path).
 */
export function transportFailure(error: unknown, attempt: SendAttempt, carriesMessage: boolean): SendFailure {
  const refused = outboundRefusalOf(error);
  if (refused !== null) return { outcome: 'permanent', reason: refused.message, unreachable: false };
  const codes = codesOf(error);
  const connect = codes.find((code) => NOT_CONNECTED.has(code));
  let reason: string;
  // the deadline first: the caller's signal may be a deadline too, and fire at the same moment
  if (attempt.deadline.aborted) reason = `no answer within ${attempt.timeoutMs} ms`;
  else if (attempt.caller.aborted) reason = callerStop(attempt.caller);
  else if (codes.includes('TimeoutError')) reason = `no answer within ${attempt.timeoutMs} ms`;
  else if (connect !== undefined)
    return { outcome: 'retry', reason: `could not connect: ${connect}`, retryAfterMs: null };
  else reason = `connection failed: ${codes.at(-1) ?? describe(error)}`;
  if (!carriesMessage)
    return { outcome: 'retry', reason: `${reason} (nothing was sent)`, retryAfterMs: null };
  // what an unknown outcome means ("it may have been sent") is said once, by outcomeOfSend
  return { outcome: 'unknown', reason };
}

/**
 * The error codes along an error's chain of causes: `cause` (undici), `error` (grammY's
 * HttpError), `original` (Slack's WebAPIRequestError); a DOMException contributes its name
 * (`TimeoutError`, `AbortError`).
 */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const e = current as {
      code?: unknown;
      name?: unknown;
      cause?: unknown;
      error?: unknown;
      original?: unknown;
    };
    if (typeof e.code === 'string') codes.push(e.code);
    else if (e.name === 'TimeoutError' || e.name === 'AbortError') codes.push(e.name);
    current = e.cause ?? e.error ?? e.original;
  }
  return codes;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message : error.name;
  return String(error);
}
