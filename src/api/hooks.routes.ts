import { z } from 'zod';
import { Id } from '../contract/common.js';
import { HookBody, HookReceipt } from '../contract/hook.schema.js';
import { HOOK_SIGNATURE_HEADER, HOOK_TIMESTAMP_HEADER } from '../contract/hook-signature.js';
import type { Api } from './api-types.js';
import { errors } from './errors.schema.js';
import { validatorCompilerBodyUnchecked } from './validation.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as received, on the hook route only: the signature covers these bytes. */
    rawBody?: string;
  }
}

/** The hook's body is small (`data` is at most 8 KiB); the route is public, so it is bounded tighter than the rest. */
const HOOK_BODY_LIMIT = 64 * 1024;

const Params = z.object({ triggerId: Id });
const Query = z.strictObject({
  tenant: z
    .string({ error: 'must be a tenant id' })
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be a tenant id: 1-63 lowercase letters, digits or -' })
    .default('default')
    .meta({ description: 'The tenant that owns the trigger; the operator\'s ("default") when absent' }),
});
const Headers = z.looseObject({
  [HOOK_TIMESTAMP_HEADER]: z
    .string()
    .optional()
    .meta({ description: 'Unix seconds when the call was signed' }),
  [HOOK_SIGNATURE_HEADER]: z
    .string()
    .optional()
    .meta({ description: 'sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>' }),
});

/**
 * `POST /v1/hooks/{triggerId}`: a webhook trigger's hook, for outside systems. Public: the
 * signature is the authentication (docs/WEBHOOKS.md). An encapsulated plugin, so that its JSON
 * parser, which keeps the raw body for the signature, and its validator apply to this route only.
 */
export function hookRoutes(app: Api) {
  app.register(async (hooks: Api) => {
    hooks.removeAllContentTypeParsers();
    hooks.decorateRequest('rawBody', undefined);
    // Kept as bytes: receiveHook checks the signature over them first and parses them after, so
    // a caller without the secret learns nothing, not even whether its body is JSON.
    hooks.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      request.rawBody = body as string;
      done(null, undefined);
    });
    // The body is validated by receiveHook after the signature: a caller without the secret
    // learns nothing from the body's rules. Its schema here documents it.
    hooks.setValidatorCompiler<z.ZodType>(validatorCompilerBodyUnchecked);

    hooks.post(
      '/v1/hooks/:triggerId',
      {
        config: { access: 'public' },
        bodyLimit: HOOK_BODY_LIMIT,
        schema: {
          tags: ['triggers'],
          summary: 'Fire a webhook trigger for a user and character: a signed call from outside',
          description:
            'No API key: the call is signed with the trigger\'s secret. X-Overture-Timestamp: Unix seconds; X-Overture-Signature: "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<raw body>"). Refused (401) when the signature is wrong or missing or the timestamp is more than 5 minutes from the server\'s clock; 409 when the same signature was accepted before (a replay) or the trigger is disabled; 403 while proactive messages are off for the tenant. A call with an `id` recorded in the last 7 days (acted on since or not) is accepted as a duplicate and records nothing.',
          security: [],
          params: Params,
          querystring: Query,
          headers: Headers,
          body: HookBody,
          response: { 202: HookReceipt, ...errors(400, 401, 403, 404, 409, 413, 503) },
        },
      },
      async (request, reply) => {
        const header = (name: string) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        };
        // no key: the tenant is the one the query names, and the signature is the authentication
        const receipt = await app.engine
          .forTenant(request.query.tenant)
          .receiveHook(request.params.triggerId, {
            timestamp: header(HOOK_TIMESTAMP_HEADER),
            signature: header(HOOK_SIGNATURE_HEADER),
            rawBody: request.rawBody ?? '',
          });
        return reply.status(202).send(receipt);
      },
    );
  });
}
