import { z } from 'zod';
import { Id } from '../contract/common.js';
import {
  CallbackInput,
  Funnel,
  FunnelAnswer,
  FunnelCreate,
  FunnelReplace,
  FunnelReport,
  FunnelReportQuery,
  ReplyInput,
} from '../contract/funnel.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const Params = z.object({ funnelId: Id });

/** Funnels: templates, the bot's replies and button presses through them, and their report. */
export function funnelRoutes(app: Api) {
  app.post(
    '/v1/funnels',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['funnels'],
        summary: 'Create a funnel: a proactive opener that is the first step of a short conversation',
        description:
          'Each problem is named at its step and field: a branch to a step that does not exist, a step that cannot be reached from `start`, a cycle in which no step has a timeout, a handoff on a step that leads on.',
        body: FunnelCreate,
        response: { 201: Funnel, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await callerTenant(request).createFunnel(request.body)),
  );

  app.get(
    '/v1/funnels',
    {
      config: { access: 'read' },
      schema: {
        tags: ['funnels'],
        summary: "The tenant's funnels, at their current versions, in id order",
        response: { 200: z.object({ funnels: z.array(Funnel) }), ...errors(401, 403) },
      },
    },
    async (request) => callerTenant(request).listFunnels(),
  );

  app.get(
    '/v1/funnels/:funnelId',
    {
      config: { access: 'read' },
      schema: {
        tags: ['funnels'],
        summary: 'A funnel at its current version',
        params: Params,
        response: { 200: Funnel, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getFunnel(request.params.funnelId),
  );

  app.put(
    '/v1/funnels/:funnelId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['funnels'],
        summary: 'Replace a funnel (a new version); runs under way finish on the version they started on',
        params: Params,
        body: FunnelReplace,
        response: { 200: Funnel, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).replaceFunnel(request.params.funnelId, request.body),
  );

  app.delete(
    '/v1/funnels/:funnelId',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['funnels'],
        summary: 'Delete a funnel: it starts no more runs; runs under way end on their version',
        params: Params,
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await callerTenant(request).deleteFunnel(request.params.funnelId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/replies',
    {
      config: { access: 'write' },
      schema: {
        tags: ['funnels'],
        summary: "A user's message, before the bot answers it: whether a funnel takes it",
        description:
          "`consumed: true`: the funnel answers it (its next step goes out through the outbox; do not answer it yourself). `consumed: false`: answer it yourself; at a funnel's handoff step `handoff` carries the payload for your pipeline. A message unrelated to a decision step abandons the funnel and is not consumed. Give `messageId` to make a forward safe to repeat.",
        body: ReplyInput,
        response: { 200: FunnelAnswer, ...errors(400, 401, 403) },
      },
    },
    async (request) => callerTenant(request).reply(request.body),
  );

  app.post(
    '/v1/callbacks',
    {
      config: { access: 'write' },
      schema: {
        tags: ['funnels'],
        summary: 'A button of a funnel step was pressed (Telegram callback data, a Discord custom_id)',
        description:
          "A valid press moves the funnel once, however many times it is pressed or forwarded; a button of an earlier step answers `outdated`, one after the funnel ended `already_ended`; data that is not a funnel button's passes through.",
        body: CallbackInput,
        response: { 200: FunnelAnswer, ...errors(400, 401, 403) },
      },
    },
    async (request) => callerTenant(request).callback(request.body),
  );

  app.get(
    '/v1/reports/funnels',
    {
      config: { access: 'read' },
      schema: {
        tags: ['reports'],
        summary:
          'What funnels did in a period: per funnel and step, started, reached, completed, abandoned by reason, expired, handed off, median time per step',
        querystring: FunnelReportQuery,
        response: { 200: FunnelReport, ...errors(400, 401, 403) },
      },
    },
    async (request) => callerTenant(request).funnelReport(request.query),
  );
}
