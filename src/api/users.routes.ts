import { z } from 'zod';
import { Id } from '../contract/common.js';
import { Pair, PairPatch, User, UserPatch } from '../contract/user.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors, Page } from './errors.schema.js';

const Params = z.object({ userId: Id });

export function userRoutes(app: Api) {
  app.get(
    '/v1/users',
    {
      config: { access: 'read' },
      schema: {
        tags: ['users'],
        summary: 'List users, in id order',
        querystring: Page,
        response: {
          200: z.object({
            users: z.array(
              z.object({
                userId: z.string(),
                timezone: z.string().nullable(),
                consent: z.string(),
                lastActivityAt: z.string().nullable(),
                createdAt: z.string(),
              }),
            ),
            next: z.string().nullable(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).listUsers(request.query),
  );

  app.get(
    '/v1/users/:userId',
    {
      config: { access: 'read' },
      schema: {
        tags: ['users'],
        summary: 'A user: profile, and the state kept from their events',
        params: Params,
        response: { 200: User, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getUser(request.params.userId),
  );

  app.patch(
    '/v1/users/:userId',
    {
      config: { access: 'write' },
      schema: {
        tags: ['users'],
        summary: "Update a user's time zone, locale, addresses or consent (creates the user if new)",
        params: Params,
        body: UserPatch,
        response: { 200: User, ...errors(400, 401, 403) },
      },
    },
    async (request) => callerTenant(request).updateUser(request.params.userId, request.body),
  );

  app.patch(
    '/v1/users/:userId/characters/:characterId',
    {
      config: { access: 'write' },
      schema: {
        tags: ['users'],
        summary:
          "Set the bot's trust in a user's relationship with a character (0 to 1), or the pair's own consent (opted_in reverses a stop typed to the character)",
        params: z.object({ userId: Id, characterId: Id }),
        body: PairPatch,
        response: { 200: Pair, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      callerTenant(request).updatePair(request.params.userId, request.params.characterId, request.body),
  );
}
