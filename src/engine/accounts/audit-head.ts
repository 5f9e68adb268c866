import { listUnsignedAuditHeads, signAuditHeads } from '../../storage/audit.repository.js';
import { headMessage } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';

const BATCH = 500;

/**
 * Signs the audit heads that have entries and no signature, at start with a secret key: the heads
 * migration 0015 gave the chains written before it, and those written by an instance without a
 * key. It trusts them as they are, once, which is the only point where an unsigned head is taken
 * on trust: an append never signs over one (kernel/audit.ts). Returns how many were signed, for
 * the start-up log, where an unexpected number is worth a look.
 */
export async function signUnsignedAuditHeads(ctx: Pick<EngineContext, 'db' | 'secrets'>): Promise<number> {
  const secrets = ctx.secrets;
  if (!secrets) return 0;
  let signed = 0;
  let after = '';
  for (;;) {
    const heads = await listUnsignedAuditHeads(ctx.db, after, BATCH);
    signed += await signAuditHeads(
      ctx.db,
      heads.map((h) => ({ ...h, mac: secrets.sign(headMessage(h.tenantId, h)) })),
    );
    if (heads.length < BATCH) return signed;
    after = heads.at(-1)!.tenantId;
  }
}
