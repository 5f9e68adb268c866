import { sql } from 'kysely';
import type { CharacterInput } from '../contract/character.schema.js';
import type { Db } from './schema.js';

export interface CharacterRecord {
  characterId: string;
  name: string | null;
  persona: string | null;
  proactiveEnabled: boolean;
  defaults: CharacterInput['defaults'];
  voice: CharacterInput['voice'];
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  character_id: string;
  name: string | null;
  persona: string | null;
  proactive_enabled: boolean;
  defaults: Record<string, unknown>;
  voice: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};

export async function findCharacter(db: Db, tenantId: string, characterId: string) {
  const row = await db
    .selectFrom('characters')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** The characters of these ids that exist, in one statement. */
export async function findCharacters(db: Db, tenantId: string, characterIds: readonly string[]) {
  if (characterIds.length === 0) return [];
  const rows = await db
    .selectFrom('characters')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('character_id', 'in', characterIds)
    .execute();
  return rows.map(toRecord);
}

/** Creates or replaces a character; `created` tells which. */
export async function putCharacter(
  db: Db,
  tenantId: string,
  characterId: string,
  input: CharacterInput,
  now: Date,
): Promise<{ character: CharacterRecord; created: boolean }> {
  const values = {
    name: input.name,
    persona: input.persona,
    proactive_enabled: input.proactiveEnabled,
    defaults: JSON.stringify(input.defaults),
    voice: JSON.stringify(input.voice),
    updated_at: now,
  };
  const row = await db
    .insertInto('characters')
    .values({ tenant_id: tenantId, character_id: characterId, created_at: now, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'character_id']).doUpdateSet(values))
    .returningAll()
    // xmax is 0 on a row version this statement inserted, and set on one it updated
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
  return { character: toRecord(row), created: row.inserted };
}

export async function listCharacters(db: Db, tenantId: string, page: { after?: string; limit: number }) {
  let query = db.selectFrom('characters').selectAll().where('tenant_id', '=', tenantId);
  if (page.after !== undefined) query = query.where('character_id', '>', page.after);
  const rows = await query.orderBy('character_id').limit(page.limit).execute();
  return rows.map(toRecord);
}

function toRecord(row: Row): CharacterRecord {
  return {
    characterId: row.character_id,
    name: row.name,
    persona: row.persona,
    proactiveEnabled: row.proactive_enabled,
    defaults: row.defaults as CharacterInput['defaults'],
    // characters stored before voices, or created by ingest, sound warm
    voice: { tone: 'warm', ...(row.voice as Partial<CharacterInput['voice']>) },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
