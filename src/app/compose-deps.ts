import type { ComposeDeps } from '../engine/compose/compose.js';
import { createLlmProvider, type LlmProviderSettings } from '../llm/settings.js';
import { createTemplateComposer } from '../llm/template-composer.js';
import type { LlmProvider } from '../ports/composer.js';

/** Models kept for reuse, one per distinct settings (a tenant's or a character's). */
const MAX_MODELS = 256;

/** The composers the engine uses: the template, and a model per provider settings, made once. */
export function createComposeDeps(): ComposeDeps {
  const models = new Map<string, LlmProvider>();
  return {
    template: createTemplateComposer(),
    llm(settings: LlmProviderSettings) {
      const key = JSON.stringify(settings);
      let model = models.get(key);
      if (!model) {
        if (models.size >= MAX_MODELS) models.delete(models.keys().next().value as string);
        model = createLlmProvider(settings);
        models.set(key, model);
      }
      return model;
    },
  };
}
