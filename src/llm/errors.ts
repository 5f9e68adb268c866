import {
  APICallError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  NoObjectGeneratedError,
  NoOutputGeneratedError,
  RetryError,
  TypeValidationError,
} from 'ai';
import { outboundRefusalOf } from '../net/guarded-fetch.js';
import { ComposerError } from '../ports/composer.js';

/** The signals a call ran under: which one fired tells a timeout from a cancellation. */
interface CallSignals {
  /** The caller's signal. */
  caller?: AbortSignal;
  /** The composer's own deadline (`AbortSignal.timeout(timeoutMs)`). */
  timeout?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Turns whatever a model call threw into a `ComposerError`. The SDK's errors are recognised by
 * `isInstance` (a global symbol), not `instanceof`: `ai` and each provider package bundle their
 * own copy of `@ai-sdk/provider-utils`.
 */
export function toComposerError(error: unknown, signals: CallSignals = {}): ComposerError {
  if (error instanceof ComposerError) return error;
  // The deadline is ours and the caller's signal is theirs: whichever fired says what happened,
  // whatever the fetch made of the abort (a caller may abort with any reason).
  if (signals.timeout?.aborted) return timedOut(signals.timeoutMs, error);
  if (signals.caller?.aborted)
    return new ComposerError('aborted', 'the call was cancelled', { cause: error });
  const e = RetryError.isInstance(error) ? error.lastError : error;
  // The outbound guard's refusal names the rule; the SDK's wrapping would only shorten it.
  const refused = outboundRefusalOf(e);
  if (refused !== null) return new ComposerError('unreachable', refused.message, { cause: e });
  if (hasName(e, 'TimeoutError')) return timedOut(signals.timeoutMs, e);
  if (hasName(e, 'AbortError')) return new ComposerError('aborted', 'the call was cancelled', { cause: e });
  if (APICallError.isInstance(e)) return fromApiCallError(e);
  if (NoObjectGeneratedError.isInstance(e)) {
    if (TypeValidationError.isInstance(e.cause)) return schemaViolation(e.cause);
    const detail =
      e.finishReason === 'length'
        ? 'the answer was cut off at maxOutputTokens'
        : `not JSON: ${shorten(e.text ?? '')}`;
    return new ComposerError('malformed_output', detail, { cause: e });
  }
  if (TypeValidationError.isInstance(e)) return schemaViolation(e);
  if (JSONParseError.isInstance(e))
    return new ComposerError('malformed_output', `not JSON: ${shorten(e.text)}`, { cause: e });
  if (NoOutputGeneratedError.isInstance(e) || NoContentGeneratedError.isInstance(e))
    return new ComposerError('malformed_output', 'the model returned no content', { cause: e });
  if (InvalidResponseDataError.isInstance(e))
    return new ComposerError('malformed_output', shorten(e.message), { cause: e });
  // Anything else (a fetch failure the SDK did not wrap, a setting it refused) means the provider
  // could not be used as configured; the cause is kept for the log.
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new ComposerError('unreachable', shorten(message), { cause: e });
}

function fromApiCallError(e: APICallError): ComposerError {
  const status = e.statusCode;
  // The SDK wraps connection failures (refused, reset, DNS) as an APICallError without a status.
  if (status === undefined) return new ComposerError('unreachable', shorten(e.message), { cause: e });
  // A 2xx whose body is not the provider's response format: the server answered, but not usably.
  if (status >= 200 && status < 300)
    return new ComposerError('malformed_output', `HTTP ${status} with an unreadable body`, {
      status,
      cause: e,
    });
  const retryAfterMs = retryAfterOf(e.responseHeaders);
  if (status === 429) {
    const detail = retryAfterMs === undefined ? '429' : `429, retry after ${seconds(retryAfterMs)} s`;
    return new ComposerError('rate_limited', detail, { status, retryAfterMs, cause: e });
  }
  const said = e.message && e.message !== 'Failed to process error response' ? `: ${shorten(e.message)}` : '';
  return new ComposerError('http_error', `HTTP ${status}${said}`, { status, retryAfterMs, cause: e });
}

/** `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an HTTP date. */
function retryAfterOf(headers: Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const s = Number.parseFloat(value);
  if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function schemaViolation(e: TypeValidationError): ComposerError {
  return new ComposerError('schema_violation', describeIssues(e.cause) ?? shorten(e.message), { cause: e });
}

/** The first issues of a zod (or Standard Schema) error: `topicId: expected string, received number`. */
export function describeIssues(error: unknown): string | undefined {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues
    .slice(0, 3)
    .map((issue: { path?: readonly PropertyKey[]; message?: string }) => {
      const path = (issue.path ?? []).map(String).join('.');
      return `${path === '' ? '(answer)' : path}: ${issue.message ?? 'invalid'}`;
    })
    .join('; ');
}

function timedOut(timeoutMs: number | undefined, cause: unknown): ComposerError {
  const detail = timeoutMs === undefined ? 'no answer in time' : `no answer within ${timeoutMs} ms`;
  return new ComposerError('timeout', detail, { cause });
}

function hasName(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name;
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
