import { defaultGuardedFetch } from '../net/outbound-guard.js';
import type { LlmProvider, LlmProviderSettings } from '../ports/composer.js';
import { createModelProvider, type ProviderOptions } from './model-provider.js';

export type AnthropicSettings = Omit<Extract<LlmProviderSettings, { kind: 'anthropic' }>, 'kind'>;

/**
 * Given explicitly so the SDK never falls back to `ANTHROPIC_BASE_URL` from the environment
 * (src/config is the only reader of it).
 */
const ANTHROPIC_BASE_URL = 'https://api.anthropic.com/v1';

/**
 * A Claude model through Anthropic's Messages API (`baseUrl` ending in `/v1`, null for
 * Anthropic's own). The SDK sends the answer's schema as `output_config.format` to models that
 * support structured outputs (Claude 4.5 and later) and as a forced `json` tool to older ones.
 */
export function createAnthropicProvider(
  settings: AnthropicSettings,
  options: ProviderOptions = {},
): LlmProvider {
  const fetch = options.fetch ?? defaultGuardedFetch();
  const loadModel = async () => {
    const { createAnthropic } = await import('@ai-sdk/anthropic');
    const provider = createAnthropic({
      baseURL: settings.baseUrl ?? ANTHROPIC_BASE_URL,
      apiKey: settings.apiKey,
      fetch,
    });
    return provider.messages(settings.model);
  };
  return createModelProvider('anthropic', loadModel, {
    timeoutMs: settings.timeoutMs,
    temperature: settings.temperature,
    maxOutputTokens: settings.maxOutputTokens,
    mode: 'json_schema',
  });
}
