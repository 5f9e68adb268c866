import { sql } from 'kysely';
import type { Db } from './schema.js';

interface TenantRecord {
  tenantId: string;
  name: string;
  createdAt: Date;
  defaultTimezone?: string;
}

/** Inserts a tenant; false when the id is taken. */
export async function insertTenant(db: Db, tenant: TenantRecord): Promise<boolean> {
  const rows = await db
    .insertInto('tenants')
    .values({ tenant_id: tenant.tenantId, name: tenant.name, created_at: tenant.createdAt })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .returning('tenant_id')
    .execute();
  return rows.length === 1;
}

export async function findTenant(db: Db, tenantId: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return (
    row && {
      tenantId: row.tenant_id,
      name: row.name,
      createdAt: row.created_at,
      defaultTimezone: row.default_timezone,
    }
  );
}

export async function updateTenantRow(
  db: Db,
  tenantId: string,
  patch: { name?: string; defaultTimezone?: string },
) {
  if (patch.name === undefined && patch.defaultTimezone === undefined) return;
  await db
    .updateTable('tenants')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.defaultTimezone !== undefined ? { default_timezone: patch.defaultTimezone } : {}),
    })
    .where('tenant_id', '=', tenantId)
    .execute();
}

export async function countTenants(db: Db): Promise<number> {
  const row = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listTenantIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('tenants').select('tenant_id').orderBy('tenant_id').execute();
  return rows.map((r) => r.tenant_id);
}

/**
 * Serialises first-start bootstraps of instances starting together, until the caller's
 * transaction ends (a transaction-level advisory lock).
 */
export async function lockBootstrap(trx: Db): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('overture.bootstrap'))`.execute(trx);
}

/** The tenant's own request limits (null: the operator's defaults), or undefined when there is no such tenant. */
export async function findRequestLimits(
  db: Db,
  tenantId: string,
): Promise<Record<string, unknown> | null | undefined> {
  const row = await db
    .selectFrom('tenants')
    .select('request_limits')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row ? row.request_limits : undefined;
}

/** Replaces the tenant's request limits (null: back to the operator's defaults). */
export async function writeRequestLimits(db: Db, tenantId: string, limits: Record<string, unknown> | null) {
  await db
    .updateTable('tenants')
    .set({ request_limits: limits === null ? null : JSON.stringify(limits) })
    .where('tenant_id', '=', tenantId)
    .execute();
}
