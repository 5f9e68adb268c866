import type {
  ComposeOutput,
  ComposeRequest,
  IntentOutput,
  IntentRequest,
  JudgeOutput,
  JudgeRequest,
} from '../domain/compose/compose-request.js';

/** Which implementation wrote an opener (recorded on the suggestion). */
export const COMPOSER_NAMES = ['template', 'openai-compatible', 'anthropic'] as const;
export type ComposerName = (typeof COMPOSER_NAMES)[number];

/** Writes openers. Throws `ComposerError` when it cannot. */
export interface Composer {
  readonly name: ComposerName;
  compose(request: ComposeRequest, options: { signal: AbortSignal }): Promise<ComposeOutput>;
}

/**
 * A language model behind a provider: writes openers, answers yes/no questions and reads what a
 * reply at a funnel step means. Every method throws `ComposerError` when it cannot answer.
 */
export interface LlmProvider extends Composer {
  judge(request: JudgeRequest, options: { signal: AbortSignal }): Promise<JudgeOutput>;
  readIntent(request: IntentRequest, options: { signal: AbortSignal }): Promise<IntentOutput>;
}

/** How to reach one language model: stored per tenant (the key encrypted), read by the engine. */
export type LlmProviderSettings =
  | {
      kind: 'openai-compatible';
      baseUrl: string;
      model: string;
      apiKey: string | null;
      timeoutMs: number;
      temperature: number | null;
      maxOutputTokens: number;
      structuredOutputs: boolean;
    }
  | {
      kind: 'anthropic';
      baseUrl: string | null;
      model: string;
      apiKey: string;
      timeoutMs: number;
      temperature: number | null;
      maxOutputTokens: number;
    };

/**
 * Builds the provider that a tenant's settings describe; nothing is called until it is first
 * asked. The real one is src/llm's, passed in by src/app (with the tenant's outbound rules), so
 * the engine never loads the SDKs itself.
 */
export type LlmProviderFactory = (settings: LlmProviderSettings, tenantId: string) => LlmProvider;

/** Why a composer could not write an opener (or answer a question); the engine then falls back. */
export type ComposerErrorReason =
  | 'timeout'
  | 'rate_limited'
  | 'http_error'
  | 'unreachable'
  | 'malformed_output'
  | 'schema_violation'
  | 'aborted';

/** A composer's failure with its reason, a short detail (`HTTP 503`, `429, retry after 20 s`). */
export class ComposerError extends Error {
  override readonly name = 'ComposerError';
  readonly reason: ComposerErrorReason;
  readonly detail: string;
  /** The HTTP status the provider answered with, when it answered. */
  readonly status?: number;
  /** How long the provider asked to wait before the next call (`retry-after`), when it said. */
  readonly retryAfterMs?: number;

  constructor(
    reason: ComposerErrorReason,
    detail: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`${reason}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.detail = detail;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
