import { assertNever } from '../domain/shared/assert-never.js';
import type { LlmProvider } from '../ports/composer.js';
import { createAnthropicProvider } from './anthropic.js';
import { createOpenAiCompatibleProvider } from './openai-compatible.js';

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

/** The provider the settings describe; nothing is called until it composes or judges. */
export function createLlmProvider(settings: LlmProviderSettings): LlmProvider {
  switch (settings.kind) {
    case 'openai-compatible':
      return createOpenAiCompatibleProvider(settings);
    case 'anthropic':
      return createAnthropicProvider(settings);
    default:
      return assertNever(settings);
  }
}
