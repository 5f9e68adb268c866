import { z } from 'zod';
import { ApiKey, ApiKeyCreate, ApiKeyCreated } from '../contract/api-key.schema.js';
import { TenantPatch } from '../contract/tenant.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Tenant = z.object({
  tenantId: z.string(),
  name: z.string(),
  defaultTimezone: z.string().optional(),
  createdAt: z.string(),
});

export function keyRoutes(app: Api) {
  app.get(
    '/v1/tenant',
    {
      config: { access: 'any-key' },
      schema: {
        tags: ['access'],
        summary: "The caller's tenant and key",
        response: {
          200: Tenant.extend({ key: z.object({ keyId: z.string(), scopes: z.array(z.string()) }) }),
          ...errors(401),
        },
      },
    },
    async (request) => ({
      ...(await callerTenant(request).get()),
      key: { keyId: request.principal!.keyId, scopes: [...request.principal!.scopes] },
    }),
  );

  app.patch(
    '/v1/tenant',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary:
          'Rename the tenant or set its default time zone (for users whose zone is neither given nor inferred)',
        body: TenantPatch,
        response: {
          200: Tenant,
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).updateTenant(request.body),
  );

  app.get(
    '/v1/keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: "The tenant's API keys (never their secrets)",
        response: { 200: z.object({ keys: z.array(ApiKey) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ keys: await callerTenant(request).listApiKeys() }),
  );

  app.post(
    '/v1/keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Create an API key; its secret is in this response only',
        body: ApiKeyCreate,
        response: { 201: ApiKeyCreated, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await callerTenant(request).createApiKey(request.body)),
  );

  app.delete(
    '/v1/keys/:keyId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Revoke an API key, at once',
        params: z.object({ keyId: z.string().min(1).max(64) }),
        response: { 200: ApiKey, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => callerTenant(request).revokeApiKey(request.params.keyId),
  );
}
