import { z } from 'zod';
import { Id } from '../contract/common.js';
import { ContextProviderInput, ContextProviderView } from '../contract/context-provider.schema.js';
import {
  getContextProviderSettings,
  removeContextProviderSettings,
  saveContextProviderSettings,
} from '../engine/context/context-provider-settings.js';
import type { Api } from './api-types.js';
import { actorOf, tenantOf } from './auth.js';
import { errors } from './errors.schema.js';

const Params = z.object({ characterId: Id });
const URL_PATH = '/v1/characters/:characterId/context-provider';

/**
 * A character's context callback: the bot's own memory, asked for each user's topics
 * (docs/CONTEXT-PROVIDER.md). Changing it takes an admin key, as triggers do: it decides where
 * users' data is requested from and with which secret.
 */
export function contextProviderRoutes(app: Api) {
  const ctx = () => app.engine.context;

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
      const { view, created } = await saveContextProviderSettings(
        ctx(),
        tenantOf(request),
        request.params.characterId,
        request.body,
        actorOf(request),
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
    async (request) => getContextProviderSettings(ctx(), tenantOf(request), request.params.characterId),
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
      await removeContextProviderSettings(
        ctx(),
        tenantOf(request),
        request.params.characterId,
        actorOf(request),
      );
      return reply.status(204).send(null);
    },
  );
}
