import { randomBytes } from 'node:crypto';
import { OvertureError } from '../../contract/errors.js';
import { SecretBoxError } from '../../storage/codecs/secret-box.js';
import {
  listPlainHookSecrets,
  type StoredHookSecret,
  sealHookSecrets,
} from '../../storage/trigger.repository.js';
import type { EngineContext } from '../kernel/resources.js';
import { requireSecrets } from '../kernel/secrets.js';

const BATCH = 500;

/** What a webhook trigger's sealed secret is bound to: a sealed value moved to another trigger or tenant does not open. */
const sealContext = (tenantId: string, triggerId: string) => `webhook-trigger/${tenantId}/${triggerId}`;

/**
 * A new signing secret for a webhook trigger, and the sealed form to store; a 409 naming
 * `secret` when this server has no OVERTURE_SECRET_KEY (a secret is never written in the clear).
 */
export function newHookSecret(ctx: EngineContext, tenantId: string, triggerId: string) {
  const box = requireSecrets(ctx, 'secret');
  const secret = `whs_${randomBytes(32).toString('base64url')}`;
  return { secret, stored: { sealed: box.seal(secret, sealContext(tenantId, triggerId)) } };
}

/**
 * The secret that checks a hook call's signature. A plain one is from before migration 0016 and
 * not sealed yet. One that cannot be opened (no key, another key) is the operator's to fix, not
 * the caller's: it is logged, and the call answered 503 without the reason.
 */
export function openHookSecret(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  stored: StoredHookSecret,
): string {
  if ('plain' in stored) return stored.plain;
  let reason = 'this server has no OVERTURE_SECRET_KEY';
  if (ctx.secrets)
    try {
      return ctx.secrets.open(stored.sealed, sealContext(tenantId, triggerId));
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      reason = error.message;
    }
  ctx.logger.error({ tenantId, triggerId, reason }, "a webhook trigger's signing secret cannot be opened");
  throw new OvertureError('unavailable', "this trigger's signatures cannot be checked now");
}

/**
 * Seals, at start, the webhook secrets still in plain text (rows from before migration 0016),
 * with the server's key; without one, only counts them, for a warning. Any number of instances
 * may run it at once: each row is sealed once.
 */
export async function sealPlainHookSecrets(
  ctx: Pick<EngineContext, 'db' | 'secrets'>,
): Promise<{ sealed: number; plain: number }> {
  let sealed = 0;
  let plain = 0;
  let after = { tenantId: '', triggerId: '' };
  for (;;) {
    const rows = await listPlainHookSecrets(ctx.db, after, BATCH);
    const box = ctx.secrets;
    if (box)
      sealed += await sealHookSecrets(
        ctx.db,
        rows.map((r) => ({ ...r, sealed: box.seal(r.plain, sealContext(r.tenantId, r.triggerId)) })),
      );
    else plain += rows.length;
    if (rows.length < BATCH) return { sealed, plain };
    after = rows.at(-1)!;
  }
}
