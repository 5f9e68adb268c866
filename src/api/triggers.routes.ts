import { z } from 'zod';
import { Id } from '../contract/common.js';
import { CheckView, OccasionView } from '../contract/decision.schema.js';
import { HookBody, HookReceipt } from '../contract/hook.schema.js';
import { Trigger, TriggerCreate, TriggerPatch, TriggerTestInput } from '../contract/trigger.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors, Page } from './errors.schema.js';

const Params = z.object({ triggerId: Id });
const TriggerCreated = Trigger.extend({
  secret: z
    .string()
    .optional()
    .meta({ description: 'Webhook triggers only: the signing secret, shown only in this response' }),
});

const TriggerTest = z
  .object({
    userId: z.string(),
    characterId: z.string(),
    triggerId: z.string(),
    at: z.string(),
    timezone: z.string(),
    timezoneSource: z.string(),
    action: z.enum(['send', 'queue', 'defer', 'skip', 'held_out']),
    reason: z
      .string()
      .optional()
      .meta({ description: 'Why nothing is done: the failing check, or nothing_due' }),
    until: z.string().optional().meta({ description: 'For defer: when it would be decided again' }),
    occasion: OccasionView.nullable(),
    trace: z.array(CheckView),
  })
  .meta({ id: 'TriggerTest' });

export function triggerRoutes(app: Api) {
  app.post(
    '/v1/triggers',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['triggers'],
        summary: 'Create a trigger: a reason to speak first',
        body: TriggerCreate,
        response: { 201: TriggerCreated, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await callerTenant(request).createTrigger(request.body)),
  );

  app.get(
    '/v1/triggers',
    {
      config: { access: 'read' },
      schema: {
        tags: ['triggers'],
        summary: 'List triggers, built-in ones included, in id order',
        querystring: Page,
        response: {
          200: z.object({ triggers: z.array(Trigger), next: z.string().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).listTriggers(request.query),
  );

  app.get(
    '/v1/triggers/:triggerId',
    {
      config: { access: 'read' },
      schema: {
        tags: ['triggers'],
        summary: 'A trigger',
        params: Params,
        response: { 200: Trigger, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getTrigger(request.params.triggerId),
  );

  app.patch(
    '/v1/triggers/:triggerId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['triggers'],
        summary: 'Change the fields named; the kind cannot change',
        params: Params,
        body: TriggerPatch,
        response: { 200: Trigger, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).updateTrigger(request.params.triggerId, request.body),
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/v1/triggers/:triggerId/${action}`,
      {
        config: { access: 'admin' },
        schema: {
          tags: ['triggers'],
          summary: `${action === 'enable' ? 'Enable' : 'Disable'} a trigger`,
          params: Params,
          response: { 200: Trigger, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const tenant = callerTenant(request);
        const triggerId = request.params.triggerId;
        return enabled ? tenant.enableTrigger(triggerId) : tenant.disableTrigger(triggerId);
      },
    );
  }

  app.post(
    '/v1/triggers/:triggerId/test',
    {
      config: { access: 'read' },
      schema: {
        tags: ['triggers'],
        summary:
          'The decision that would be made now if this trigger fired for the user and character, with every check; changes nothing',
        params: Params,
        body: TriggerTestInput,
        response: { 200: TriggerTest, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).testTrigger(request.params.triggerId, request.body),
  );

  app.delete(
    '/v1/triggers/:triggerId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['triggers'],
        summary: 'Delete a trigger (built-in ones can only be disabled)',
        params: Params,
        response: { 204: z.null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await callerTenant(request).deleteTrigger(request.params.triggerId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/triggers/:triggerId/secret',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['triggers'],
        summary:
          'Give a webhook trigger a new signing secret, shown only in this response and stored sealed (409 without OVERTURE_SECRET_KEY); the old one stops working',
        params: Params,
        response: {
          200: z.object({ triggerId: z.string(), secret: z.string() }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => callerTenant(request).rotateTriggerSecret(request.params.triggerId),
  );

  app.post(
    '/v1/triggers/:triggerId/fire',
    {
      config: { access: 'write' },
      schema: {
        tags: ['triggers'],
        summary: 'Fire a trigger by hand for a user and character: how a manual trigger fires',
        description:
          'Records an occasion (`fire:<id>`; the same `id` again within 7 days records nothing) that is decided at once through every check of the policy. What a manual trigger produces waits for approval (GET /v1/suggestions?status=pending).',
        params: Params,
        body: HookBody,
        response: { 202: HookReceipt, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await callerTenant(request).fireTrigger(request.params.triggerId, request.body)),
  );
}
