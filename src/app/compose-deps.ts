import { BoundedMap } from '../domain/shared/bounded-map.js';
import type { ComposeDeps } from '../engine/compose/compose.js';
import { createLlmProvider } from '../llm/create-llm-provider.js';
import { createTemplateComposer } from '../llm/template-composer.js';
import type { LlmProvider, LlmProviderFactory } from '../ports/composer.js';

/** Models kept for reuse, one per distinct settings (a tenant's or a character's). */
const MAX_MODELS = 256;

/**
 * The composers the engine uses: the template, and a model per provider settings, made once by
 * `factory` (by default the real providers of src/llm: OpenAI-compatible servers, Anthropic).
 */
export function createComposeDeps(factory: LlmProviderFactory = createLlmProvider): ComposeDeps {
  const models = new BoundedMap<string, LlmProvider>(MAX_MODELS);
  return {
    template: createTemplateComposer(),
    llm: (settings) => models.getOrSet(JSON.stringify(settings), () => factory(settings)),
  };
}
