import { sql } from 'kysely';
import type { Db } from './schema.js';

/** A character's context callback as stored: the secret still sealed. */
export interface ContextProviderRecord {
  characterId: string;
  url: string;
  secretSealed: string;
  timeoutMs: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The character's callback; `forUpdate` locks the row for a change in the caller's transaction. */
export async function findContextProvider(
  db: Db,
  tenantId: string,
  characterId: string,
  forUpdate = false,
): Promise<ContextProviderRecord | undefined> {
  let query = db
    .selectFrom('context_providers')
    .select(['character_id', 'url', 'secret_sealed', 'timeout_ms', 'created_at', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return (
    row && {
      characterId: row.character_id,
      url: row.url,
      secretSealed: row.secret_sealed,
      timeoutMs: row.timeout_ms,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }
  );
}

/** Creates or replaces the character's callback; `created` tells which. */
export async function putContextProvider(
  db: Db,
  tenantId: string,
  record: ContextProviderRecord,
): Promise<{ created: boolean; createdAt: Date }> {
  const values = {
    url: record.url,
    secret_sealed: record.secretSealed,
    timeout_ms: record.timeoutMs,
    updated_at: record.updatedAt,
  };
  const row = await db
    .insertInto('context_providers')
    .values({
      tenant_id: tenantId,
      character_id: record.characterId,
      created_at: record.createdAt,
      ...values,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'character_id']).doUpdateSet(values))
    // xmax is 0 on a row version this statement inserted, and set on one it updated
    .returning(['created_at', sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirstOrThrow();
  return { created: row.inserted, createdAt: row.created_at };
}

/** Removes the character's callback; false when it had none. */
export async function deleteContextProvider(db: Db, tenantId: string, characterId: string) {
  const r = await db
    .deleteFrom('context_providers')
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
