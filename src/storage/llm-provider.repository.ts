import type { Db } from './schema.js';

/** A stored provider: `characterId` null is the tenant's default. */
export interface LlmProviderRow {
  characterId: string | null;
  settings: Record<string, unknown>;
  apiKeySealed: string | null;
  updatedAt: Date;
}

/** The tenant's default is stored under this character id. */
const TENANT = '';

type Row = {
  character_id: string;
  settings: Record<string, unknown>;
  api_key_sealed: string | null;
  updated_at: Date;
};
const toRow = (r: Row): LlmProviderRow => ({
  characterId: r.character_id === TENANT ? null : r.character_id,
  settings: r.settings,
  apiKeySealed: r.api_key_sealed,
  updatedAt: r.updated_at,
});

/** The tenant's provider (`characterId` null) and those of these characters that have their own. */
export async function findLlmProviders(db: Db, tenantId: string, characterIds: readonly string[]) {
  const rows = await db
    .selectFrom('llm_providers')
    .select(['character_id', 'settings', 'api_key_sealed', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('character_id', 'in', [TENANT, ...characterIds])
    .execute();
  return rows.map(toRow);
}

export async function findLlmProvider(db: Db, tenantId: string, characterId: string | null) {
  const row = await db
    .selectFrom('llm_providers')
    .select(['character_id', 'settings', 'api_key_sealed', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId ?? TENANT)
    .forUpdate()
    .executeTakeFirst();
  return row && toRow(row);
}

export async function putLlmProvider(
  db: Db,
  tenantId: string,
  characterId: string | null,
  settings: Record<string, unknown>,
  apiKeySealed: string | null,
  now: Date,
) {
  await db
    .insertInto('llm_providers')
    .values({
      tenant_id: tenantId,
      character_id: characterId ?? TENANT,
      settings: JSON.stringify(settings),
      api_key_sealed: apiKeySealed,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'character_id']).doUpdateSet((eb) => ({
        settings: eb.ref('excluded.settings'),
        api_key_sealed: eb.ref('excluded.api_key_sealed'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export async function deleteLlmProvider(db: Db, tenantId: string, characterId: string | null) {
  const result = await db
    .deleteFrom('llm_providers')
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId ?? TENANT)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
