import { z } from 'zod';
import { ApiKey, ApiKeyCreate, ApiKeyCreated } from '../contract/api-key.schema.js';
import { RequestLimitsInput, TenantPatch } from '../contract/tenant.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Tenant = z.object({
  tenantId: z.string(),
  name: z.string(),
  defaultTimezone: z.string().optional(),
  createdAt: z.string(),
});

const RequestLimitsView = z.object({
  keyRequestsPerMinute: z.number().nullable(),
  tenantRequestsPerMinute: z.number().nullable(),
  defaults: z
    .object({ keyRequestsPerMinute: z.number(), tenantRequestsPerMinute: z.number() })
    .meta({ description: "The operator's defaults (configuration), which null fields take; 0: no limit" }),
});

export function keyRoutes(app: Api) {
  const defaults = () => ({
    keyRequestsPerMinute: app.engine.config.keyRequestsPerMinute,
    tenantRequestsPerMinute: app.engine.config.tenantRequestsPerMinute,
  });
  const TenantParams = z.object({ tenantId: z.string().min(1).max(63) });

  app.get(
    '/v1/tenants/:tenantId/limits',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['access'],
        summary: "A tenant's request limits (admin keys of the operator's default tenant)",
        params: TenantParams,
        response: { 200: RequestLimitsView, ...errors(401, 403, 404) },
      },
    },
    async (request) => ({
      ...(await app.engine.forTenant(request.params.tenantId).getRequestLimits()),
      defaults: defaults(),
    }),
  );

  app.put(
    '/v1/tenants/:tenantId/limits',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['access'],
        summary:
          "Set a tenant's request limits per minute (admin keys of the operator's default tenant); absent or null fields take the operator's defaults. Recorded in the tenant's audit log.",
        params: TenantParams,
        body: RequestLimitsInput,
        response: { 200: RequestLimitsView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      ...(await app.engine
        .forTenant(request.params.tenantId, { actor: request.principal!.keyId })
        .putRequestLimits(request.body)),
      defaults: defaults(),
    }),
  );

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
