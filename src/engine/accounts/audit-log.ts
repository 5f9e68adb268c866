import { listAuditEntries, readAuditHead } from '../../storage/audit.repository.js';
import { entryHash, GENESIS_HASH, headSignature } from '../kernel/audit.js';
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

/**
 * The verdict on a tenant's audit log: whole, or the first entry where the chain breaks and why.
 * `signed`: the head kept with the tenant carries a valid signature under this server's key
 * (false without OVERTURE_SECRET_KEY, when only the unsigned head is compared).
 */
type AuditVerdict =
  | { ok: true; entries: number; lastHash: string; signed: boolean }
  | { ok: false; entries: number; brokenAtSeq: number; problem: string };

const PAGE = 1000;

/**
 * Walks the tenant's log in order, recomputing each hash: an edited entry no longer matches its
 * hash, a deleted one leaves a gap in `seq` or a `prev_hash` that points at nothing, and an entry
 * whose hash was recomputed after an edit breaks the next entry's `prev_hash`. Then compares the
 * end of the log with the head kept with the tenant: a log that ends before the head lost its
 * tail; one that ends in another hash was rewritten, every later hash recomputed; and, with the
 * secret key, a head whose signature does not match was altered to hide either.
 */
export async function verifyAudit(ctx: EngineContext, tenantId: string): Promise<AuditVerdict> {
  let last = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const walked = await walk(ctx, tenantId, last, count);
    if ('ok' in walked) return walked;
    ({ last, count } = walked);
    // read after the entries it must account for: an append moves the head in the transaction
    // that writes its entry, so a head behind the last entry seen was not moved by an append
    const head = await readAuditHead(ctx.db, tenantId);
    if (head.seq > last.seq) {
      // appended while the walk ran, or deleted: look again, from where the walk stopped
      const more = await listAuditEntries(ctx.db, tenantId, { afterSeq: last.seq, limit: 1 });
      if (more.length > 0) continue;
      return broken(count, last.seq + 1, missingTail(last.seq, head.seq));
    }
    if (head.seq < last.seq)
      return broken(
        count,
        head.seq + 1,
        `entries ${head.seq + 1} to ${last.seq} come after the head kept with the tenant (entry ${head.seq}): they were not written by an append of this version (by hand, or by an older instance during a rolling deploy; the next change takes in entries that continue the chain)`,
      );
    if (head.hash !== last.hash)
      return broken(
        count,
        last.seq,
        `its hash is not the one the head kept with the tenant records: the log was rewritten and its hashes recomputed`,
      );
    const signature = headSignature(ctx.secrets, tenantId, head);
    if (ctx.secrets && head.seq > 0 && signature !== 'valid')
      return broken(count, head.seq, unsignedHead(signature, ctx.secrets.keyId));
    return { ok: true, entries: count, lastHash: last.hash, signed: signature === 'valid' };
  }
}

/** The entries after `from`, checked link by link; where they end, or the first break. */
async function walk(
  ctx: EngineContext,
  tenantId: string,
  from: { seq: number; hash: string },
  counted: number,
): Promise<{ last: { seq: number; hash: string }; count: number } | AuditVerdict> {
  let { seq, hash } = from;
  let count = counted;
  for (;;) {
    const batch = await listAuditEntries(ctx.db, tenantId, { afterSeq: seq, limit: PAGE });
    for (const entry of batch) {
      count++;
      if (entry.seq !== seq + 1)
        return broken(count, entry.seq, `entry ${seq + 1} is missing (next is ${entry.seq})`);
      if (entry.prevHash !== hash)
        return broken(count, entry.seq, 'its prev_hash is not the hash of the entry before it');
      if (entryHash(entry) !== entry.hash)
        return broken(count, entry.seq, 'its content does not match its hash (edited)');
      seq = entry.seq;
      hash = entry.hash;
    }
    if (batch.length < PAGE) return { last: { seq, hash }, count };
  }
}

const broken = (entries: number, brokenAtSeq: number, problem: string): AuditVerdict => ({
  ok: false,
  entries,
  brokenAtSeq,
  problem,
});

const missingTail = (lastSeq: number, headSeq: number) =>
  `${lastSeq + 1 === headSeq ? `entry ${headSeq} is` : `entries ${lastSeq + 1} to ${headSeq} are`} missing: the log ends at entry ${lastSeq}, but the head kept with the tenant is entry ${headSeq} (the tail was deleted)`;

function unsignedHead(signature: 'invalid' | 'other_key' | 'unsigned', keyId: string) {
  switch (signature) {
    case 'unsigned':
      return 'the head kept with the tenant is not signed, although this server has a secret key: it was cleared, or written by an instance without OVERTURE_SECRET_KEY';
    case 'other_key':
      return `the head kept with the tenant is signed under another key than this server's (${keyId})`;
    case 'invalid':
      return 'the signature of the head kept with the tenant does not match it: the head was altered (to hide a rewrite or a deleted tail)';
  }
}
