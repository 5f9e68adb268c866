import type { Character, CharacterInput } from '../../contract/character.schema.js';
import { notFound } from '../../contract/errors.js';
import { findCharacter, listCharacters, putCharacter } from '../../storage/character.repository.js';
import { requestTenantRearm } from '../../storage/schedule.repository.js';
import type { EngineContext } from '../kernel/resources.js';
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

/** Creates or replaces a character; its pairs are decided again (it may have been allowed or stopped to speak first). */
export async function saveCharacter(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  input: CharacterInput,
) {
  const now = ctx.clock.now();
  const { character, created } = await ctx.db.transaction().execute(async (trx) => {
    const saved = await putCharacter(trx, tenantId, characterId, input, now);
    await requestTenantRearm(trx, tenantId, now);
    return saved;
  });
  ctx.events.emit('character.updated', { tenantId, characterId, created });
  ctx.events.emit('rearm.requested', { tenantId });
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
