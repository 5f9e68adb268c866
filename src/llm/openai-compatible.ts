import { defaultGuardedFetch } from '../net/outbound-guard.js';
import type { LlmProvider, LlmProviderSettings } from '../ports/composer.js';
import { createModelProvider, type ProviderOptions } from './model-provider.js';

export type OpenAiCompatibleSettings = Omit<
  Extract<LlmProviderSettings, { kind: 'openai-compatible' }>,
  'kind'
>;

/**
 * A model behind an OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, llama.cpp
 * servers, `baseUrl` ending in `/v1`). With `structuredOutputs` the answer's JSON schema goes as
 * `response_format: {type: 'json_schema', strict: true}`; without, `{type: 'json_object'}` and
 * the prompt describes the JSON, for servers that take no schema.
 *
 * @example
 * createOpenAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: null,
 *   timeoutMs: 10_000, temperature: 0.7, maxOutputTokens: 200, structuredOutputs: true })
 */
export function createOpenAiCompatibleProvider(
  settings: OpenAiCompatibleSettings,
  options: ProviderOptions = {},
): LlmProvider {
  const fetch = options.fetch ?? defaultGuardedFetch();
  const loadModel = async () => {
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    const provider = createOpenAICompatible({
      name: 'openai-compatible',
      baseURL: settings.baseUrl,
      // Local servers need no key; without one no Authorization header is sent.
      ...(settings.apiKey === null || settings.apiKey === '' ? {} : { apiKey: settings.apiKey }),
      supportsStructuredOutputs: settings.structuredOutputs,
      fetch,
    });
    return provider.chatModel(settings.model);
  };
  return createModelProvider('openai-compatible', loadModel, {
    timeoutMs: settings.timeoutMs,
    temperature: settings.temperature,
    maxOutputTokens: settings.maxOutputTokens,
    mode: settings.structuredOutputs ? 'json_schema' : 'json_object',
  });
}
