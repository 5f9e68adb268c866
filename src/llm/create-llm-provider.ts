import { assertNever } from '../domain/shared/assert-never.js';
import type { LlmProvider, LlmProviderSettings } from '../ports/composer.js';
import { createAnthropicProvider } from './anthropic.js';
import { createOpenAiCompatibleProvider } from './openai-compatible.js';

/**
 * The provider the settings describe, the port's `LlmProviderFactory`: nothing is called until it
 * composes or judges.
 */
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
