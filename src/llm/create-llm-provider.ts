import { assertNever } from '../domain/shared/assert-never.js';
import type { LlmProvider, LlmProviderSettings } from '../ports/composer.js';
import { createAnthropicProvider } from './anthropic.js';
import type { ProviderOptions } from './model-provider.js';
import { createOpenAiCompatibleProvider } from './openai-compatible.js';

/**
 * The provider the settings describe: nothing is called until it is first asked. Its calls go
 * through `options.fetch` (src/app gives each tenant's its guarded fetch).
 */
export function createLlmProvider(settings: LlmProviderSettings, options: ProviderOptions = {}): LlmProvider {
  switch (settings.kind) {
    case 'openai-compatible':
      return createOpenAiCompatibleProvider(settings, options);
    case 'anthropic':
      return createAnthropicProvider(settings, options);
    default:
      return assertNever(settings);
  }
}
