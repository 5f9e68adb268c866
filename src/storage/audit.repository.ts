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

/** The log's head as kept with the tenant: the last entry's seq and hash, and their signature. */
export interface AuditHead {
  seq: number;
  hash: string;
  mac: string | null;
}

/**
 * The tenant's head and the last entry actually in the log, taking the tenant's audit lock for
 * the rest of the transaction, so that concurrent appends chain one after another instead of
 * forking. The lock is the one every version takes, so an instance of an older version appending
 * during a rolling deploy waits its turn too.
 */
export async function lockAuditHead(
  db: Db,
  tenantId: string,
): Promise<{ head: AuditHead; tail: { seq: number; hash: string } | null }> {
  await sql`select pg_advisory_xact_lock(hashtext('overture.audit'), hashtext(${tenantId}))`.execute(db);
  const head = await readAuditHead(db, tenantId);
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { head, tail: row ? { seq: Number(row.seq), hash: row.hash } : null };
}

/** The tenant's head; a tenant that does not exist has the empty log's. */
export async function readAuditHead(db: Db, tenantId: string): Promise<AuditHead> {
  const row = await db
    .selectFrom('tenants')
    .select(['audit_seq', 'audit_hash', 'audit_mac'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row
    ? { seq: Number(row.audit_seq), hash: row.audit_hash, mac: row.audit_mac }
    : { seq: 0, hash: '0'.repeat(64), mac: null };
}

export async function setAuditHead(db: Db, tenantId: string, head: AuditHead) {
  await db
    .updateTable('tenants')
    .set({ audit_seq: head.seq, audit_hash: head.hash, audit_mac: head.mac })
    .where('tenant_id', '=', tenantId)
    .execute();
}

/** Heads with entries and no signature, by tenant id after `after`. */
export async function listUnsignedAuditHeads(db: Db, after: string, limit: number) {
  const rows = await db
    .selectFrom('tenants')
    .select(['tenant_id', 'audit_seq', 'audit_hash'])
    .where('audit_mac', 'is', null)
    .where('audit_seq', '>', '0')
    .where('tenant_id', '>', after)
    .orderBy('tenant_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, seq: Number(r.audit_seq), hash: r.audit_hash }));
}

/** Signs each head still unsigned and where it was when read; returns how many were signed. */
export async function signAuditHeads(
  db: Db,
  heads: readonly { tenantId: string; seq: number; hash: string; mac: string }[],
): Promise<number> {
  if (heads.length === 0) return 0;
  const { rows } = await sql`
    update tenants t set audit_mac = h.mac
    from unnest(${heads.map((h) => h.tenantId)}::text[], ${heads.map((h) => h.seq)}::bigint[],
                ${heads.map((h) => h.hash)}::text[], ${heads.map((h) => h.mac)}::text[]) as h(tenant_id, seq, hash, mac)
    where t.tenant_id = h.tenant_id and t.audit_seq = h.seq and t.audit_hash = h.hash and t.audit_mac is null
    returning 1`.execute(db);
  return rows.length;
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
