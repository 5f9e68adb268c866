import { createHash } from 'node:crypto';
import {
  type AuditRecord,
  insertAuditEntry,
  listAuditEntries,
  lockAuditTail,
} from '../../storage/audit.repository.js';
import type { Db } from '../../storage/schema.js';
import type { EngineContext } from './resources.js';

/** The `prev_hash` of a tenant's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A change to record; `actor` is the API key that made it, or `library` when an embedding bot did. */
export interface AuditInput {
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

export async function listAudit(
  ctx: EngineContext,
  tenantId: string,
  page: { after?: number; limit: number },
) {
  const entries = await listAuditEntries(ctx.db, tenantId, { afterSeq: page.after ?? 0, limit: page.limit });
  return {
    entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    next: entries.length === page.limit ? entries.at(-1)!.seq : null,
  };
}

/** The verdict on a tenant's audit log: whole, or the first entry where the chain breaks and why. */
export type AuditVerdict =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; brokenAtSeq: number; problem: string };

/**
 * Walks the tenant's log in order, recomputing each hash: an edited entry no longer matches its
 * hash, a deleted one leaves a gap in `seq` or a `prev_hash` that points at nothing, and an entry
 * whose hash was recomputed after an edit breaks the next entry's `prev_hash`.
 */
export async function verifyAudit(ctx: EngineContext, tenantId: string): Promise<AuditVerdict> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const batch = await listAuditEntries(ctx.db, tenantId, { afterSeq: expectedSeq - 1, limit: 1000 });
    for (const entry of batch) {
      count++;
      const broken = (problem: string): AuditVerdict => ({
        ok: false,
        entries: count,
        brokenAtSeq: entry.seq,
        problem,
      });
      if (entry.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing (next is ${entry.seq})`);
      if (entry.prevHash !== prev) return broken('its prev_hash is not the hash of the entry before it');
      if (entryHash(entry) !== entry.hash) return broken('its content does not match its hash (edited)');
      prev = entry.hash;
      expectedSeq++;
    }
    if (batch.length < 1000) return { ok: true, entries: count, lastHash: prev };
  }
}
