import { z } from 'zod';
import { Id } from '../contract/common.js';
import { OpenLoop, OpenLoopClose, OpenLoopInput, OpenLoopQuery } from '../contract/open-loop.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const UserParams = z.object({ userId: Id });

/** Open loops: what a user said will happen, which a follow_up trigger asks about afterwards. */
export function openLoopRoutes(app: Api) {
  app.post(
    '/v1/users/:userId/open-loops',
    {
      config: { access: 'write' },
      schema: {
        tags: ['context'],
        summary: 'Add something the user said will happen, for a character to follow up',
        description:
          'Loops are also read from the text of `message_in` events. Each enabled follow_up trigger of the character gets an occasion `loop:<loopId>`, due its delay after `dueAt`.',
        params: UserParams,
        body: OpenLoopInput,
        response: { 201: OpenLoop, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await callerTenant(request).addOpenLoop(request.params.userId, request.body)),
  );

  app.get(
    '/v1/users/:userId/open-loops',
    {
      config: { access: 'read' },
      schema: {
        tags: ['context'],
        summary: "A user's open loops, latest due first",
        params: UserParams,
        querystring: OpenLoopQuery,
        response: {
          200: z.object({ openLoops: z.array(OpenLoop), next: z.string().nullable() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => callerTenant(request).listOpenLoops(request.params.userId, request.query),
  );

  app.post(
    '/v1/users/:userId/open-loops/:loopId/close',
    {
      config: { access: 'write' },
      schema: {
        tags: ['context'],
        summary: 'Close an open loop; its follow-ups not yet made are dropped',
        params: z.object({ userId: Id, loopId: Id }),
        body: OpenLoopClose,
        response: { 200: OpenLoop, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      callerTenant(request).closeOpenLoop(request.params.userId, request.params.loopId, request.body),
  );
}
