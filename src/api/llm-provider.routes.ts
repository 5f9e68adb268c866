import { z } from 'zod';
import { Id } from '../contract/common.js';
import { LlmProvider, LlmProviderInput } from '../contract/llm-provider.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Params = z.object({ characterId: Id });

/**
 * Who writes openers: `/v1/llm-provider` for the tenant, `/v1/characters/{id}/llm-provider` for
 * one character (overriding the tenant's). API keys go in, sealed, and never come out.
 */
export function llmProviderRoutes(app: Api) {
  for (const scope of ['tenant', 'character'] as const) {
    const url = scope === 'tenant' ? '/v1/llm-provider' : '/v1/characters/:characterId/llm-provider';
    const params = scope === 'tenant' ? undefined : Params;
    const who = scope === 'tenant' ? "The tenant's" : "A character's own";
    const characterOf = (request: { params: unknown }) =>
      scope === 'tenant' ? null : (request.params as { characterId: string }).characterId;

    app.get(
      url,
      {
        config: { access: 'read' },
        schema: {
          tags: ['composition'],
          summary: `${who} language model for openers (never its API key)`,
          ...(params ? { params } : {}),
          response: { 200: LlmProvider, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => callerTenant(request).getLlmProvider(characterOf(request)),
    );

    app.put(
      url,
      {
        config: { access: 'admin' },
        schema: {
          tags: ['composition'],
          summary: `Set ${who.toLowerCase()} language model for openers. Recorded in the audit log.`,
          ...(params ? { params } : {}),
          body: LlmProviderInput,
          response: { 200: LlmProvider, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => callerTenant(request).putLlmProvider(characterOf(request), request.body),
    );

    app.delete(
      url,
      {
        config: { access: 'admin' },
        schema: {
          tags: ['composition'],
          summary:
            scope === 'tenant'
              ? 'Go back to the template composer for characters without their own'
              : "Go back to the tenant's provider for this character",
          ...(params ? { params } : {}),
          response: { 204: z.null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await callerTenant(request).deleteLlmProvider(characterOf(request));
        return reply.status(204).send(null);
      },
    );
  }
}
