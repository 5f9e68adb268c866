import { sql } from 'kysely';
import type { Db } from './schema.js';

/** An audit entry as stored. */
export interface AuditRecord {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/**
 * The tenant's last entry, taking the tenant's audit lock for the rest of the transaction, so
 * that concurrent appends chain one after another instead of forking.
 */
export async function lockAuditTail(db: Db, tenantId: string): Promise<{ seq: number; hash: string } | null> {
  await sql`select pg_advisory_xact_lock(hashtext('overture.audit'), hashtext(${tenantId}))`.execute(db);
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

export async function insertAuditEntry(db: Db, tenantId: string, entry: AuditRecord) {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: tenantId,
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: JSON.stringify(entry.detail),
      prev_hash: entry.prevHash,
      hash: entry.hash,
    })
    .execute();
}

/** Entries in seq order, from `afterSeq` (exclusive), at most `limit`. */
export async function listAuditEntries(db: Db, tenantId: string, page: { afterSeq: number; limit: number }) {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', String(page.afterSeq))
    .orderBy('seq')
    .limit(page.limit)
    .execute();
  return rows.map(
    (r): AuditRecord => ({
      seq: Number(r.seq),
      at: r.at,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      detail: r.detail,
      prevHash: r.prev_hash,
      hash: r.hash,
    }),
  );
}
