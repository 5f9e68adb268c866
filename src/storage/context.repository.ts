import type { Selectable } from 'kysely';

import type { Db, FactsTable, MemoriesTable } from './schema.js';

export type FactRow = Omit<Selectable<FactsTable>, 'tenant_id'>;
export type MemoryRow = Omit<Selectable<MemoriesTable>, 'tenant_id'>;

/** A page of a user's facts or memories, newest first; one character's are its own and the shared ones. */
export interface ContextFilter {
  userId: string;
  characterId?: string;
  before?: string;
  limit: number;
}

export async function insertFact(db: Db, tenantId: string, fact: FactRow): Promise<void> {
  await db
    .insertInto('facts')
    .values({ tenant_id: tenantId, ...fact })
    .execute();
}

export async function listFacts(
  db: Db,
  tenantId: string,
  filter: ContextFilter & { category?: string },
): Promise<FactRow[]> {
  let query = db
    .selectFrom('facts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', filter.userId);
  const characterId = filter.characterId;
  if (characterId !== undefined)
    query = query.where((eb) =>
      eb.or([eb('character_id', '=', characterId), eb('character_id', 'is', null)]),
    );
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  if (filter.before !== undefined) query = query.where('fact_id', '<', filter.before);
  return query.orderBy('fact_id', 'desc').limit(filter.limit).execute();
}

/** Deletes one fact; false when the user has no fact of that id. */
export async function deleteFact(db: Db, tenantId: string, userId: string, factId: string) {
  const r = await db
    .deleteFrom('facts')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('fact_id', '=', factId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertMemory(db: Db, tenantId: string, memory: MemoryRow): Promise<void> {
  await db
    .insertInto('memories')
    .values({ tenant_id: tenantId, ...memory })
    .execute();
}

export async function listMemories(
  db: Db,
  tenantId: string,
  filter: ContextFilter & { tag?: string },
): Promise<MemoryRow[]> {
  let query = db
    .selectFrom('memories')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', filter.userId);
  const characterId = filter.characterId;
  if (characterId !== undefined)
    query = query.where((eb) =>
      eb.or([eb('character_id', '=', characterId), eb('character_id', 'is', null)]),
    );
  const tag = filter.tag;
  if (tag !== undefined) query = query.where((eb) => eb(eb.val(tag), '=', eb.fn.any('tags')));
  if (filter.before !== undefined) query = query.where('memory_id', '<', filter.before);
  return query.orderBy('memory_id', 'desc').limit(filter.limit).execute();
}

/** Deletes one memory; false when the user has no memory of that id. */
export async function deleteMemory(db: Db, tenantId: string, userId: string, memoryId: string) {
  const r = await db
    .deleteFrom('memories')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('memory_id', '=', memoryId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** What a topic candidate needs of a fact or memory. */
export interface ContextItemRow {
  id: string;
  character_id: string | null;
  text: string;
  mention: string | null;
  salience: number;
  sensitive: boolean;
  /** A fact's creation, a memory's occurrence. */
  at: Date;
}

/**
 * The user's facts one character knows (its own and the shared ones), the most salient first,
 * newest first among equals, at most `limit`: the material for topics, bounded however many
 * facts a user has.
 */
export async function listSalientFacts(
  db: Db,
  tenantId: string,
  query: { userId: string; characterId: string; limit: number },
): Promise<ContextItemRow[]> {
  return db
    .selectFrom('facts')
    .select(['fact_id as id', 'character_id', 'text', 'mention', 'salience', 'sensitive', 'created_at as at'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', query.userId)
    .where((eb) => eb.or([eb('character_id', '=', query.characterId), eb('character_id', 'is', null)]))
    .orderBy('salience', 'desc')
    .orderBy('fact_id', 'desc')
    .limit(query.limit)
    .execute();
}

/** As `listSalientFacts`, for memories; `at` is when the memory happened. */
export async function listSalientMemories(
  db: Db,
  tenantId: string,
  query: { userId: string; characterId: string; limit: number },
): Promise<ContextItemRow[]> {
  return db
    .selectFrom('memories')
    .select(['memory_id as id', 'character_id', 'text', 'mention', 'salience', 'sensitive', 'at'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', query.userId)
    .where((eb) => eb.or([eb('character_id', '=', query.characterId), eb('character_id', 'is', null)]))
    .orderBy('salience', 'desc')
    .orderBy('memory_id', 'desc')
    .limit(query.limit)
    .execute();
}
