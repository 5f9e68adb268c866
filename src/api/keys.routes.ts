import { z } from 'zod';
import { ApiKey, ApiKeyCreate, ApiKeyCreated } from '../contract/api-key.schema.js';
import { TimeZone } from '../contract/common.js';
import { createTenantApiKey, listTenantApiKeys, revokeTenantApiKey } from '../engine/accounts/api-keys.js';
import { getTenant, updateTenant } from '../engine/accounts/tenants.js';
import type { Api } from './api-types.js';
import { actorOf, tenantOf } from './auth.js';
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
      ...(await getTenant(app.engine.context, tenantOf(request))),
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
        body: z.strictObject({
          name: z.string().min(1).max(200).optional(),
          defaultTimezone: TimeZone.optional(),
        }),
        response: {
          200: Tenant,
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => updateTenant(app.engine.context, tenantOf(request), request.body),
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
    async (request) => ({ keys: await listTenantApiKeys(app.engine.context, tenantOf(request)) }),
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
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createTenantApiKey(app.engine.context, tenantOf(request), request.body, actorOf(request)),
        ),
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
    async (request) =>
      revokeTenantApiKey(app.engine.context, tenantOf(request), request.params.keyId, actorOf(request)),
  );
}
