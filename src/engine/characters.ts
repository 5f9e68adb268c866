import { findCharacter, listCharacters, putCharacter } from '../storage/character.repository.js';
import type { EngineContext } from './context.js';
import { notFound } from './errors.js';
import type { Character, CharacterInput } from './schemas/character.schema.js';
import { characterView } from './views.js';

export async function getCharacter(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
): Promise<Character> {
  const character = await findCharacter(ctx.db, tenantId, characterId);
  if (!character) throw notFound(`character "${characterId}"`);
  return characterView(character);
}

/** Creates or replaces a character. */
export async function saveCharacter(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  input: CharacterInput,
) {
  const { character, created } = await putCharacter(ctx.db, tenantId, characterId, input, ctx.clock.now());
  ctx.events.emit('character.updated', { tenantId, characterId, created });
  return { character: characterView(character), created };
}

export async function listCharacterPage(
  ctx: EngineContext,
  tenantId: string,
  page: { after?: string; limit: number },
) {
  const characters = await listCharacters(ctx.db, tenantId, page);
  return {
    characters: characters.map(characterView),
    next: characters.length === page.limit ? characters.at(-1)!.characterId : null,
  };
}
