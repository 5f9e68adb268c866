import { createHash } from 'node:crypto';
import {
  type AuditHead,
  type AuditRecord,
  insertAuditEntry,
  listAuditEntries,
  lockAuditHead,
  setAuditHead,
} from '../../storage/audit.repository.js';
import type { SecretBox } from '../../storage/codecs/secret-box.js';
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

/** Entries found after the head that an append takes in (see `chainBase`); more are left unsigned. */
const ADOPT_AT_MOST = 1000;

/**
 * Appends an entry to the tenant's audit log inside the caller's transaction, chained to the
 * head kept with the tenant (not to whatever the last row is), and moves the head with it:
 * written with the change it records, or not at all. With a secret key the new head is signed,
 * but only when the head it extends was intact (signed by this key, or the empty log): a head
 * someone altered or left unsigned keeps its stale signature, so `verifyAudit` goes on reporting
 * it instead of an append blessing it.
 */
export async function appendAudit(
  ctx: { secrets: SecretBox | null },
  trx: Db,
  tenantId: string,
  at: Date,
  input: AuditInput,
) {
  const { head, tail } = await lockAuditHead(trx, tenantId);
  const base = await chainBase(trx, tenantId, head, tail);
  const entry = { seq: base.seq + 1, at, ...input, prevHash: base.hash };
  const hash = entryHash(entry);
  await insertAuditEntry(trx, tenantId, { ...entry, hash });
  const next = { seq: entry.seq, hash };
  const intact =
    base.adopted && (headSignature(ctx.secrets, tenantId, head) === 'valid' || isEmpty(head, tail));
  const mac =
    ctx.secrets && intact ? ctx.secrets.sign(headMessage(tenantId, next)) : ctx.secrets ? head.mac : null;
  await setAuditHead(trx, tenantId, { ...next, mac });
}

/**
 * Where the next entry chains: the head. Entries after it, which something appended without
 * moving it (an instance of an older version during a rolling deploy, or a hand), are taken in
 * when they continue the chain from the head (`adopted`), so that seqs stay unique; otherwise
 * the append goes after them and does not sign the new head. A log shorter than its head (a
 * deleted tail) or ending in a different hash (a rewrite) is chained from the head all the same,
 * so the gap or the broken link stays in the log for `verifyAudit` to report.
 */
async function chainBase(
  trx: Db,
  tenantId: string,
  head: AuditHead,
  tail: { seq: number; hash: string } | null,
): Promise<{ seq: number; hash: string; adopted: boolean }> {
  if (!tail || tail.seq <= head.seq) return { ...head, adopted: true };
  const extra = tail.seq - head.seq;
  if (extra > ADOPT_AT_MOST) return { ...tail, adopted: false };
  const entries = await listAuditEntries(trx, tenantId, { afterSeq: head.seq, limit: extra });
  let prev = head.hash;
  let seq = head.seq;
  for (const e of entries) {
    if (e.seq !== seq + 1 || e.prevHash !== prev || entryHash(e) !== e.hash)
      return { ...tail, adopted: false };
    prev = e.hash;
    seq = e.seq;
  }
  return { ...tail, adopted: true };
}

const isEmpty = (head: AuditHead, tail: { seq: number } | null) =>
  head.seq === 0 && head.mac === null && !tail;

/** What a head's signature covers: the tenant, so that a head copied to another tenant does not verify. */
export function headMessage(tenantId: string, head: { seq: number; hash: string }): string {
  return `overture audit head\n${tenantId}\n${head.seq}\n${head.hash}`;
}

/** The head's signature checked with this server's key; `unsigned` without one. */
export function headSignature(
  secrets: SecretBox | null,
  tenantId: string,
  head: AuditHead,
): 'valid' | 'invalid' | 'other_key' | 'unsigned' {
  if (!secrets || head.mac === null) return 'unsigned';
  return secrets.checkSignature(headMessage(tenantId, head), head.mac);
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
