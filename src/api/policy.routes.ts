import { z } from 'zod';
import { Policy, PolicyInput } from '../contract/policy.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const AuditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string().meta({ description: 'The API key id that made the change, or "library" / "system"' }),
  action: z.string(),
  subject: z.string(),
  detail: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

const AuditPage = z.strictObject({
  after: z.coerce
    .number({ error: 'must be a whole number (the seq of the last entry of the previous page)' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be >= 0' })
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int({ error: 'must be a whole number from 1 to 1000' })
    .min(1, { error: 'must be from 1 to 1000' })
    .max(1000, { error: 'must be from 1 to 1000' })
    .default(100),
});

export function policyRoutes(app: Api) {
  app.get(
    '/v1/policy',
    {
      config: { access: 'read' },
      schema: {
        tags: ['policy'],
        summary: "The tenant's policy: the rules every proactive message must pass",
        response: { 200: Policy, ...errors(401, 403) },
      },
    },
    async (request) => callerTenant(request).getPolicy(),
  );

  app.put(
    '/v1/policy',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['policy'],
        summary: 'Replace the policy; absent fields take their defaults. Recorded in the audit log.',
        body: PolicyInput,
        response: { 200: Policy, ...errors(400, 401, 403) },
      },
    },
    async (request) => callerTenant(request).putPolicy(request.body),
  );

  app.get(
    '/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['policy'],
        summary: 'Changes to policy, triggers, keys and approvals, oldest first',
        querystring: AuditPage,
        response: {
          200: z.object({ entries: z.array(AuditEntry), next: z.number().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).listAudit(request.query),
  );

  app.get(
    '/v1/audit/verify',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['policy'],
        summary:
          "Recomputes the audit log's hash chain and compares its end with the head kept with the tenant (signed with OVERTURE_SECRET_KEY): whole, or the first entry that was edited, deleted or rewritten, or a deleted tail",
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number(),
            lastHash: z.string().optional(),
            signed: z.boolean().optional().meta({
              description: "The head's signature was checked with this server's key (false without one)",
            }),
            brokenAtSeq: z.number().optional(),
            problem: z.string().optional(),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => callerTenant(request).verifyAudit(),
  );
}
