import type { Scope } from '../contract/api-key.schema.js';
import type { Db } from './schema.js';

export interface ApiKeyRecord {
  tenantId: string;
  keyId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export async function insertApiKey(db: Db, key: ApiKeyRecord & { hash: string }): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      tenant_id: key.tenantId,
      key_id: key.keyId,
      name: key.name,
      key_prefix: key.prefix,
      key_hash: key.hash,
      scopes: key.scopes,
      created_at: key.createdAt,
      revoked_at: key.revokedAt,
      last_used_at: key.lastUsedAt,
    })
    .execute();
}

/** The key with this hash, revoked or not: the only lookup that is not scoped by tenant. */
export async function findApiKeyByHash(db: Db, hash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * The key with this hash and its tenant's own request limits (null: the operator's defaults):
 * what a request is authenticated with, in one statement.
 */
export async function findCallerByHash(
  db: Db,
  hash: string,
): Promise<(ApiKeyRecord & { requestLimits: Record<string, unknown> | null }) | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.tenant_id', 'api_keys.tenant_id')
    .selectAll('api_keys')
    .select('tenants.request_limits')
    .where('api_keys.key_hash', '=', hash)
    .executeTakeFirst();
  return row && { ...toRecord(row), requestLimits: row.request_limits };
}

export async function listApiKeys(db: Db, tenantId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('key_id')
    .execute();
  return rows.map(toRecord);
}

/** Marks a key revoked (keeping the first revocation time); undefined when the key does not exist. */
export async function revokeApiKey(db: Db, tenantId: string, keyId: string, now: Date) {
  const row = await db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('tenant_id', '=', tenantId)
    .where('key_id', '=', keyId)
    .returningAll()
    .executeTakeFirst();
  return row && toRecord(row);
}

/** Active keys holding `admin`, locked until the transaction ends so two revocations cannot race. */
export async function lockActiveAdminKeys(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select('key_id')
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb(eb.val('admin'), '=', eb.fn.any('scopes')))
    .forUpdate()
    .execute();
  return rows.map((r) => r.key_id);
}

export async function touchApiKey(db: Db, tenantId: string, keyId: string, now: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('tenant_id', '=', tenantId)
    .where('key_id', '=', keyId)
    .execute();
}

function toRecord(row: {
  tenant_id: string;
  key_id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}): ApiKeyRecord {
  return {
    tenantId: row.tenant_id,
    keyId: row.key_id,
    name: row.name,
    prefix: row.key_prefix,
    scopes: row.scopes as Scope[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
