import { BoundedMap } from '../domain/shared/bounded-map.js';
import type { ComposeDeps } from '../engine/compose/compose.js';
import { createLlmProvider } from '../llm/create-llm-provider.js';
import { createTemplateComposer } from '../llm/template-composer.js';
import type { OutboundGuard } from '../net/outbound-guard.js';
import type { LlmProvider } from '../ports/composer.js';

/** Models kept for reuse, one per tenant and distinct settings (a tenant's or a character's). */
const MAX_MODELS = 256;

/**
 * The composers the engine uses: the template, and a model per tenant and provider settings, made
 * once, over the real providers of src/llm (OpenAI-compatible servers, Anthropic), each calling
 * through its tenant's guarded fetch.
 */
export function createComposeDeps(outbound: OutboundGuard): ComposeDeps {
  const models = new BoundedMap<string, LlmProvider>(MAX_MODELS);
  return {
    template: createTemplateComposer(),
    llm: (settings, tenantId) =>
      models.getOrSet(`${tenantId}\u001f${JSON.stringify(settings)}`, () =>
        createLlmProvider(settings, { fetch: outbound.fetchFor(tenantId) }),
      ),
  };
}
