import { z } from 'zod';
import { Id } from '../contract/common.js';
import { Fact, FactInput, FactQuery, Memory, MemoryInput, MemoryQuery } from '../contract/context.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

const UserParams = z.object({ userId: Id });

/** What the agent knows of a user: facts and memories, what topics are chosen from. */
export function contextRoutes(app: Api) {
  app.post(
    '/v1/users/:userId/facts',
    {
      config: { access: 'write' },
      schema: {
        tags: ['context'],
        summary: 'Remember a fact about a user (for every character, or one)',
        params: UserParams,
        body: FactInput,
        response: { 201: Fact, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await callerTenant(request).addFact(request.params.userId, request.body)),
  );

  app.get(
    '/v1/users/:userId/facts',
    {
      config: { access: 'read' },
      schema: {
        tags: ['context'],
        summary: "A user's facts, newest first",
        params: UserParams,
        querystring: FactQuery,
        response: {
          200: z.object({ facts: z.array(Fact), next: z.string().nullable() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => callerTenant(request).listFacts(request.params.userId, request.query),
  );

  app.delete(
    '/v1/users/:userId/facts/:factId',
    {
      config: { access: 'write' },
      schema: {
        tags: ['context'],
        summary: 'Forget a fact',
        params: z.object({ userId: Id, factId: Id }),
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await callerTenant(request).deleteFact(request.params.userId, request.params.factId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/users/:userId/memories',
    {
      config: { access: 'write' },
      schema: {
        tags: ['context'],
        summary: 'Remember something that happened to a user, with when and tags',
        params: UserParams,
        body: MemoryInput,
        response: { 201: Memory, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await callerTenant(request).addMemory(request.params.userId, request.body)),
  );

  app.get(
    '/v1/users/:userId/memories',
    {
      config: { access: 'read' },
      schema: {
        tags: ['context'],
        summary: "A user's memories, newest first (by when they were added)",
        params: UserParams,
        querystring: MemoryQuery,
        response: {
          200: z.object({ memories: z.array(Memory), next: z.string().nullable() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => callerTenant(request).listMemories(request.params.userId, request.query),
  );

  app.delete(
    '/v1/users/:userId/memories/:memoryId',
    {
      config: { access: 'write' },
      schema: {
        tags: ['context'],
        summary: 'Forget a memory',
        params: z.object({ userId: Id, memoryId: Id }),
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await callerTenant(request).deleteMemory(request.params.userId, request.params.memoryId);
      return reply.status(204).send(null);
    },
  );
}
