import { APICallError, JSONParseError, NoObjectGeneratedError, RetryError, TypeValidationError } from 'ai';
import { describe, expect, it } from 'vitest';
import { ComposerError } from '../ports/composer.js';
import { toComposerError } from './errors.js';

const apiError = (statusCode: number | undefined, responseHeaders?: Record<string, string>) =>
  new APICallError({
    message: 'Service Unavailable',
    url: 'http://127.0.0.1:1/v1',
    requestBodyValues: {},
    statusCode,
    responseHeaders,
  });

const response = { id: 'r', timestamp: new Date(0), modelId: 'm' };
const usage = {
  inputTokens: 1,
  outputTokens: 1,
  totalTokens: 2,
  inputTokenDetails: { noCacheTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
  outputTokenDetails: { textTokens: 1, reasoningTokens: 0 },
};

describe('toComposerError', () => {
  it('reads retry-after-ms, retry-after in seconds and keeps the status of other HTTP errors', () => {
    expect(toComposerError(apiError(429, { 'retry-after-ms': '1500' }))).toMatchObject({
      reason: 'rate_limited',
      retryAfterMs: 1500,
      detail: '429, retry after 1.5 s',
    });
    expect(toComposerError(apiError(429))).toMatchObject({ reason: 'rate_limited', detail: '429' });
    expect(toComposerError(apiError(503, { 'retry-after': '3' }))).toMatchObject({
      reason: 'http_error',
      status: 503,
      retryAfterMs: 3000,
      detail: 'HTTP 503: Service Unavailable',
    });
  });

  it('tells a connection failure (no status) from an answer that was not the API format (2xx)', () => {
    expect(toComposerError(apiError(undefined))).toMatchObject({ reason: 'unreachable' });
    expect(toComposerError(apiError(200))).toMatchObject({ reason: 'malformed_output', status: 200 });
  });

  it('unwraps a RetryError to the last attempt', () => {
    const error = new RetryError({
      message: 'failed',
      reason: 'maxRetriesExceeded',
      errors: [apiError(500), apiError(429)],
    });
    expect(toComposerError(error)).toMatchObject({ reason: 'rate_limited' });
  });

  it('tells unparsable output from output that fails the schema', () => {
    const parse = new JSONParseError({ text: '{', cause: new Error('eof') });
    const invalid = TypeValidationError.wrap({
      value: {},
      cause: { issues: [{ path: ['message'], message: 'Required' }] },
    });
    const noObject = (cause: Error) =>
      new NoObjectGeneratedError({ text: '{', cause, response, usage, finishReason: 'stop' });
    expect(toComposerError(noObject(parse))).toMatchObject({
      reason: 'malformed_output',
      detail: 'not JSON: {',
    });
    const cut = new NoObjectGeneratedError({
      text: '{"mess',
      cause: parse,
      response,
      usage,
      finishReason: 'length',
    });
    expect(toComposerError(cut)).toMatchObject({
      reason: 'malformed_output',
      detail: 'the answer was cut off at maxOutputTokens',
    });
    expect(toComposerError(noObject(invalid))).toMatchObject({
      reason: 'schema_violation',
      detail: 'message: Required',
    });
  });

  it("says 'timeout' when the deadline fired and 'aborted' when the caller's signal did", () => {
    const fired = AbortSignal.abort();
    const idle = new AbortController().signal;
    const error = new Error('whatever fetch made of it');
    expect(toComposerError(error, { timeout: fired, caller: idle, timeoutMs: 800 })).toMatchObject({
      reason: 'timeout',
      detail: 'no answer within 800 ms',
    });
    expect(toComposerError(error, { timeout: idle, caller: fired })).toMatchObject({ reason: 'aborted' });
  });

  it('passes a ComposerError through and keeps the cause of anything else', () => {
    const own = new ComposerError('schema_violation', 'x');
    expect(toComposerError(own)).toBe(own);
    const odd = new TypeError('settings refused');
    expect(toComposerError(odd)).toMatchObject({
      reason: 'unreachable',
      detail: 'TypeError: settings refused',
      cause: odd,
    });
  });
});
