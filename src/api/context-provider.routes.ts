import { z } from 'zod';
import { Id } from '../contract/common.js';
import { ContextProviderInput, ContextProviderView } from '../contract/context-provider.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Params = z.object({ characterId: Id });
const URL_PATH = '/v1/characters/:characterId/context-provider';

/**
 * A character's context callback: the bot's own memory, asked for each user's topics
 * (docs/CONTEXT-PROVIDER.md). Changing it takes an admin key, as triggers do: it decides where
 * users' data is requested from and with which secret.
 */
export function contextProviderRoutes(app: Api) {
  app.put(
    URL_PATH,
    {
      config: { access: 'admin' },
      schema: {
        tags: ['context'],
        summary:
          "Take this character's user context from the bot's own memory: a signed POST to `url`, the built-in store when it fails",
        description:
          'The secret signs every request as webhook calls are signed (X-Overture-Timestamp, X-Overture-Signature: "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<raw body>")). It is stored sealed under OVERTURE_SECRET_KEY and never returned; without that setting the call is refused (409).',
        params: Params,
        body: ContextProviderInput,
        response: { 200: ContextProviderView, 201: ContextProviderView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { view, created } = await callerTenant(request).putContextProvider(
        request.params.characterId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  app.get(
    URL_PATH,
    {
      config: { access: 'read' },
      schema: {
        tags: ['context'],
        summary: "The character's context callback, without its secret; 404 when it uses the built-in store",
        params: Params,
        response: { 200: ContextProviderView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getContextProvider(request.params.characterId),
  );

  app.delete(
    URL_PATH,
    {
      config: { access: 'admin' },
      schema: {
        tags: ['context'],
        summary: "Remove the character's context callback: back to the built-in store",
        params: Params,
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await callerTenant(request).deleteContextProvider(request.params.characterId);
      return reply.status(204).send(null);
    },
  );
}
