import { listAuditEntries } from '../../storage/audit.repository.js';
import { entryHash, GENESIS_HASH } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';

/** A page of the tenant's audit log, oldest first, for an admin; `next` is the `after` of the page that follows. */
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
type AuditVerdict =
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
