import { HOOK_SIGNATURE_HEADER, HOOK_TIMESTAMP_HEADER, signHook } from '../contract/hook-signature.js';
import { ruleOfRaw, toInputIssues } from '../contract/issues.js';
import { keepMostRelevant } from '../domain/topics/most-relevant.js';
import type { TopicCandidate } from '../domain/topics/select-topic.js';
import { type FetchFunction, outboundRefusalOf } from '../net/guarded-fetch.js';
import { defaultGuardedFetch } from '../net/outbound-guard.js';
import type { Clock } from '../ports/clock.js';
import {
  CONTEXT_CANDIDATE_LIMIT,
  type ContextProvider,
  type ContextQuery,
  type UserContext,
} from '../ports/context-provider.js';
import type { Logger } from '../ports/logger.js';
import {
  type ContextCallbackRequest,
  ContextCallbackResponse,
  callbackCandidates,
} from './callback-contract.js';

/** A larger answer is refused (and the built-in store used): it would be read into memory whole. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

interface HttpContextProviderOptions {
  /** An http: or https: URL. */
  url: string;
  /** Signs each request (HMAC-SHA256), as the bot's webhook secret signs its calls to Overture. */
  secret: string;
  /** How long a call may take, the answer's body included. */
  timeoutMs: number;
  /** What is used when the call fails. */
  fallback: ContextProvider;
  /** The signature's timestamp comes from here. */
  clock: Clock;
  logger?: Logger;
  /**
   * The call goes through this fetch: the engine gives each tenant's callbacks that tenant's
   * guarded fetch (src/net); by default a trusted one, which still refuses link-local and
   * metadata addresses.
   */
  fetch?: FetchFunction;
}

type CallOutcome = { ok: true; candidates: TopicCandidate[] } | { ok: false; reason: string };

/**
 * The bot's own memory as a context provider: a signed `POST` of the query to the character's
 * URL, whose JSON answer (`ContextCallbackResponse`) becomes the candidates. Any failure (a
 * timeout, no connection, a status other than 2xx, a body over 1 MB, not JSON, a broken rule of
 * the schema) falls back to `fallback` with `fallbackReason` saying which; a cancelled `signal`
 * is the caller giving up, and rejects with its reason instead.
 */
export class HttpContextProvider implements ContextProvider {
  constructor(private readonly options: HttpContextProviderOptions) {
    const protocol = new URL(options.url).protocol;
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new Error(`a context callback's URL must be http: or https:, not ${protocol}`);
  }

  async load(query: ContextQuery, { signal }: { signal: AbortSignal }): Promise<UserContext> {
    const outcome = await this.#call(query, signal);
    if (outcome.ok) return { candidates: outcome.candidates, source: 'callback' };
    signal.throwIfAborted();
    this.options.logger?.warn(
      { tenantId: query.tenantId, characterId: query.characterId, reason: outcome.reason },
      'context callback failed; using the built-in store',
    );
    const builtin = await this.options.fallback.load(query, { signal });
    return { ...builtin, source: 'builtin', fallbackReason: outcome.reason };
  }

  async #call(query: ContextQuery, signal: AbortSignal): Promise<CallOutcome> {
    const { url, secret, timeoutMs, clock } = this.options;
    const fetch = this.options.fetch ?? defaultGuardedFetch();
    const request: ContextCallbackRequest = {
      tenantId: query.tenantId,
      userId: query.userId,
      characterId: query.characterId,
      purpose: query.purpose,
      now: query.now.toISOString(),
      limit: CONTEXT_CANDIDATE_LIMIT,
    };
    const body = JSON.stringify(request);
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const timeout = AbortSignal.timeout(timeoutMs);
    const failed = (error: unknown): CallOutcome => {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted) return { ok: false, reason: `timeout after ${timeoutMs} ms` };
      return { ok: false, reason: `request failed: ${describeFetchError(error)}` };
    };
    let text: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [HOOK_TIMESTAMP_HEADER]: String(timestamp),
          [HOOK_SIGNATURE_HEADER]: signHook(secret, timestamp, body),
        },
        body,
        // a redirect would carry the signed request elsewhere; the configured URL is the only one
        redirect: 'manual',
        signal: AbortSignal.any([signal, timeout]),
      });
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => {});
        const redirect =
          response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
        return { ok: false, reason: `HTTP ${response.status}${redirect}` };
      }
      const read = await readLimited(response, MAX_RESPONSE_BYTES);
      if (read === null)
        return { ok: false, reason: `response larger than ${MAX_RESPONSE_BYTES} bytes (1 MB)` };
      text = read;
    } catch (error) {
      return failed(error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // not the parser's message: it quotes the body, which may be an internal service's
      return { ok: false, reason: 'response is not JSON' };
    }
    const parsed = ContextCallbackResponse.safeParse(json, { error: ruleOfRaw });
    if (!parsed.success) {
      const issues = toInputIssues(parsed.error.issues, 'response');
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      return { ok: false, reason: `${issues[0]!.path}: ${issues[0]!.rule}${more}` };
    }
    const nowMs = query.now.getTime();
    const candidates = callbackCandidates(parsed.data, query.characterId, nowMs);
    return { ok: true, candidates: keepMostRelevant(candidates, CONTEXT_CANDIDATE_LIMIT, nowMs) };
  }
}

/** The body as text, or null once it passes `limit` bytes (the rest is not read). */
async function readLimited(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * fetch reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`;
 * the outbound guard's refusal is told whole, as it names the rule.
 */
function describeFetchError(error: unknown): string {
  const refused = outboundRefusalOf(error);
  if (refused !== null) return refused.message;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
