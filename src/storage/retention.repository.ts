import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * Deletes up to `limit` of a tenant's decisions made before `before`; returns how many. The rows
 * are found through the BRIN index on (tenant_id, decided_at) and deleted by row id.
 */
export async function deleteDecisionsBefore(db: Db, tenantId: string, before: Date, limit: number) {
  const { rows } = await sql`
    delete from decisions where ctid = any (array(
      select ctid from decisions where tenant_id = ${tenantId} and decided_at < ${before} limit ${limit}))
    returning 1`.execute(db);
  return rows.length;
}

/** Deletes up to `limit` of a tenant's recorded occasions that expired before `now`; returns how many. */
export async function deleteExpiredOccasions(db: Db, tenantId: string, now: Date, limit: number) {
  const { rows } = await sql`
    delete from occasions where ctid = any (array(
      select ctid from occasions where tenant_id = ${tenantId} and expires_at < ${now} limit ${limit}))
    returning 1`.execute(db);
  return rows.length;
}
