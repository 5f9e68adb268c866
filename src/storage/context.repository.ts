import { type RawBuilder, type Selectable, sql } from 'kysely';

import type { Db, FactsTable, MemoriesTable } from './schema.js';

export type FactRow = Omit<Selectable<FactsTable>, 'tenant_id'>;
export type MemoryRow = Omit<Selectable<MemoriesTable>, 'tenant_id'>;

/** A page of a user's facts or memories, newest first; one character's are its own and the shared ones. */
interface ContextFilter {
  userId: string;
  characterId?: string;
  before?: string;
  limit: number;
}

/**
 * Facts and memories are kept alike: a user's rows, each one character's or shared by every
 * character (`character_id` null), paged by id. A fact is dated by its creation, a memory by
 * when it happened.
 */
const ITEMS = {
  facts: { id: 'fact_id', at: 'created_at' },
  memories: { id: 'memory_id', at: 'at' },
} as const;
type ItemTable = keyof typeof ITEMS;

export async function insertFact(db: Db, tenantId: string, fact: FactRow): Promise<void> {
  await db
    .insertInto('facts')
    .values({ tenant_id: tenantId, ...fact })
    .execute();
}

export async function insertMemory(db: Db, tenantId: string, memory: MemoryRow): Promise<void> {
  await db
    .insertInto('memories')
    .values({ tenant_id: tenantId, ...memory })
    .execute();
}

export async function listFacts(
  db: Db,
  tenantId: string,
  filter: ContextFilter & { category?: string },
): Promise<FactRow[]> {
  const { category } = filter;
  const rows = await pageOf(
    db,
    'facts',
    tenantId,
    filter,
    category === undefined ? undefined : sql`category = ${category}`,
  );
  return rows as FactRow[];
}

export async function listMemories(
  db: Db,
  tenantId: string,
  filter: ContextFilter & { tag?: string },
): Promise<MemoryRow[]> {
  const { tag } = filter;
  const rows = await pageOf(
    db,
    'memories',
    tenantId,
    filter,
    tag === undefined ? undefined : sql`${tag} = any(tags)`,
  );
  return rows as MemoryRow[];
}

/** Deletes one fact; false when the user has no fact of that id. */
export const deleteFact = (db: Db, tenantId: string, userId: string, factId: string) =>
  deleteItem(db, 'facts', tenantId, userId, factId);

/** Deletes one memory; false when the user has no memory of that id. */
export const deleteMemory = (db: Db, tenantId: string, userId: string, memoryId: string) =>
  deleteItem(db, 'memories', tenantId, userId, memoryId);

/** A page of a user's items, newest first; with a character, its own and the shared ones. */
function pageOf(
  db: Db,
  table: ItemTable,
  tenantId: string,
  filter: ContextFilter,
  also?: RawBuilder<unknown>,
) {
  const id = db.dynamic.ref<'fact_id' | 'memory_id'>(ITEMS[table].id);
  let query = db
    .selectFrom(table)
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', filter.userId);
  const { characterId, before } = filter;
  if (characterId !== undefined)
    query = query.where((eb) =>
      eb.or([eb('character_id', '=', characterId), eb('character_id', 'is', null)]),
    );
  if (before !== undefined) query = query.where(id, '<', before);
  if (also !== undefined) query = query.where(also as RawBuilder<boolean>);
  return query.orderBy(id, 'desc').limit(filter.limit).execute();
}

async function deleteItem(db: Db, table: ItemTable, tenantId: string, userId: string, itemId: string) {
  const r = await db
    .deleteFrom(table)
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where(db.dynamic.ref<'fact_id' | 'memory_id'>(ITEMS[table].id), '=', itemId)
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
export const listSalientFacts = (db: Db, tenantId: string, query: SalientQuery) =>
  listSalient(db, 'facts', tenantId, query);

/** As `listSalientFacts`, for memories; `at` is when the memory happened. */
export const listSalientMemories = (db: Db, tenantId: string, query: SalientQuery) =>
  listSalient(db, 'memories', tenantId, query);

interface SalientQuery {
  userId: string;
  characterId: string;
  limit: number;
}

function listSalient(
  db: Db,
  table: ItemTable,
  tenantId: string,
  query: SalientQuery,
): Promise<ContextItemRow[]> {
  const { id, at } = ITEMS[table];
  const idRef = db.dynamic.ref<'fact_id' | 'memory_id'>(id);
  return db
    .selectFrom(table)
    .select([
      sql<string>`${sql.ref(id)}`.as('id'),
      'character_id',
      'text',
      'mention',
      'salience',
      'sensitive',
      sql<Date>`${sql.ref(at)}`.as('at'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', query.userId)
    .where((eb) => eb.or([eb('character_id', '=', query.characterId), eb('character_id', 'is', null)]))
    .orderBy('salience', 'desc')
    .orderBy(idRef, 'desc')
    .limit(query.limit)
    .execute();
}

/** A fact as a funnel's selector reads it. */
export interface FactText {
  userId: string;
  characterId: string | null;
  text: string;
  category: string | null;
}

/**
 * The users' most salient facts (at most `perUser` each, any character's), for matching a
 * funnel's keywords and goals; one index range per user.
 */
export async function findFactTexts(
  db: Db,
  tenantId: string,
  userIds: readonly string[],
  perUser: number,
): Promise<FactText[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<{
    user_id: string;
    character_id: string | null;
    text: string;
    category: string | null;
  }>`
    select f.user_id, f.character_id, f.text, f.category
    from unnest(${[...userIds]}::text[]) as k(user_id)
    cross join lateral (
      select user_id, character_id, concat_ws(' ', text, predicate, object) as text, category from facts
      where tenant_id = ${tenantId} and user_id = k.user_id
      order by salience desc, created_at desc
      limit ${perUser}
    ) f`.execute(db);
  return rows.map((r) => ({
    userId: r.user_id,
    characterId: r.character_id,
    text: r.text,
    category: r.category,
  }));
}
