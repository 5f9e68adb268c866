import { z } from 'zod';
import { Character, CharacterInput } from '../contract/character.schema.js';
import { Id } from '../contract/common.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors, Page } from './errors.schema.js';

const Params = z.object({ characterId: Id });

/** A persona is up to 20,000 characters: 120,000 bytes of JSON if every one is escaped as \uXXXX. */
export const CHARACTER_BODY_LIMIT = 128 * 1024;

export function characterRoutes(app: Api) {
  app.get(
    '/v1/characters',
    {
      config: { access: 'read' },
      schema: {
        tags: ['characters'],
        summary: 'List characters, in id order',
        querystring: Page,
        response: {
          200: z.object({ characters: z.array(Character), next: z.string().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).listCharacters(request.query),
  );

  app.get(
    '/v1/characters/:characterId',
    {
      config: { access: 'read' },
      schema: {
        tags: ['characters'],
        summary: 'A character (bot persona)',
        params: Params,
        response: { 200: Character, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getCharacter(request.params.characterId),
  );

  app.put(
    '/v1/characters/:characterId',
    {
      config: { access: 'write' },
      bodyLimit: CHARACTER_BODY_LIMIT,
      schema: {
        tags: ['characters'],
        summary: 'Create or replace a character; absent fields take their defaults',
        params: Params,
        body: CharacterInput,
        response: { 200: Character, 201: Character, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { character, created } = await callerTenant(request).putCharacter(
        request.params.characterId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(character);
    },
  );
}
