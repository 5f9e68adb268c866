import { createHash } from 'node:crypto';
import { type AuditRecord, insertAuditEntry, lockAuditTail } from '../../storage/audit.repository.js';
import type { Db } from '../../storage/schema.js';

/** The `prev_hash` of a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A change to record; `actor` is the API key that made it, or `library` when an embedding bot did. */
interface AuditInput {
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
}

/**
 * Appends an entry to the tenant's audit log inside the caller's transaction, chained to the
 * previous entry by its hash: written with the change it records, or not at all.
 */
export async function appendAudit(trx: Db, tenantId: string, at: Date, input: AuditInput) {
  const tail = await lockAuditTail(trx, tenantId);
  const entry = { seq: (tail?.seq ?? 0) + 1, at, ...input, prevHash: tail?.hash ?? GENESIS_HASH };
  await insertAuditEntry(trx, tenantId, { ...entry, hash: entryHash(entry) });
}

/**
 * SHA-256 over the previous hash and the entry's fields as canonical JSON (object keys sorted),
 * so the hash can be recomputed from what the database returns, whatever order jsonb keeps.
 */
export function entryHash(entry: Omit<AuditRecord, 'hash'>): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    detail: entry.detail,
  });
  return createHash('sha256').update(`${entry.prevHash}\n${body}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
