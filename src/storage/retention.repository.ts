import { sql } from 'kysely';
import type { Db } from './schema.js';

/**
 * What is kept for a while only: decisions by when they were made, occasions by when they expire,
 * the keys of calls that fired a trigger by when they came.
 */
type Expiring =
  | { table: 'decisions'; column: 'decided_at' }
  | { table: 'occasions'; column: 'expires_at' }
  | { table: 'firing_keys'; column: 'received_at' };

/**
 * Deletes up to `limit` of a tenant's rows whose instant is before `before`; returns how many.
 * The rows are found through the table's BRIN index on (tenant_id, user_id, <instant>) and
 * deleted by row id.
 */
export async function deleteBefore(db: Db, what: Expiring, tenantId: string, before: Date, limit: number) {
  const table = sql.table(what.table);
  const { rows } = await sql`
    delete from ${table} where ctid = any (array(
      select ctid from ${table} where tenant_id = ${tenantId} and ${sql.ref(what.column)} < ${before}
      limit ${limit}))
    returning 1`.execute(db);
  return rows.length;
}
