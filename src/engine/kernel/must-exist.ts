import { notFound } from '../../contract/errors.js';
import { findCharacter } from '../../storage/character.repository.js';
import type { Db } from '../../storage/schema.js';
import { userExists } from '../../storage/user.repository.js';

/**
 * A 404 unless the user exists, and the character too when one is named: what is kept of a user
 * (facts, memories, open loops) is for known users and characters, so a typo in an id is not a
 * stranger's record.
 */
export async function mustExist(db: Db, tenantId: string, userId: string, characterId?: string) {
  const [user, character] = await Promise.all([
    userExists(db, tenantId, userId),
    characterId === undefined ? true : findCharacter(db, tenantId, characterId),
  ]);
  if (!user) throw notFound(`user "${userId}"`);
  if (!character) throw notFound(`character "${characterId}"`);
}
