import { createHash } from 'node:crypto';
import { notFound, OvertureError } from '../../contract/errors.js';
import { HookBody, type HookReceipt } from '../../contract/hook.schema.js';
import { verifyHook } from '../../contract/hook-signature.js';
import { parseInput } from '../../contract/issues.js';
import { parseJsonBody } from '../../contract/json-body.js';
import { rememberFiringKey } from '../../storage/firing-key.repository.js';
import { insertOccasions } from '../../storage/occasion.repository.js';
import { hintPairs } from '../../storage/schedule.repository.js';
import type { Db } from '../../storage/schema.js';
import { findTrigger } from '../../storage/trigger.repository.js';
import { findUser } from '../../storage/user.repository.js';
import { deleteWebhookCallsBefore, recordWebhookCall } from '../../storage/webhook-call.repository.js';
import { newId } from '../kernel/ids.js';
import type { EngineContext } from '../kernel/resources.js';
import { getPolicy } from '../policy/policy.js';
import { openHookSecret } from './hook-secrets.js';

const MINUTE = 60_000;
/**
 * Signatures are kept this long: twice the 5-minute window, so a call whose row is gone has a
 * timestamp outside the window by then, however far ahead of the clock it was signed.
 */
const REPLAY_MEMORY_MS = 10 * MINUTE;

/** A call to a webhook trigger's hook as it arrived: the two headers, the body's bytes and their JSON. */
export interface HookCall {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  /** `rawBody` parsed, if the caller has; absent, it is parsed here. Either way it is checked after the signature. */
  body?: unknown;
}

/**
 * Takes a signed call to a webhook trigger: records an occasion for the user and character it
 * names and asks for the pair to be decided now. Checked in this order, so that a caller
 * without the secret learns nothing but whether the trigger exists: the trigger (404), the
 * signature and timestamp (401), the body (400), the policy (403), the trigger's switch (409),
 * a character the trigger is not for (409), the user (404), a replay (409). The call's signature and the occasion are written in one
 * transaction. The same `id` again, with a new signature, is a duplicate: 202, nothing new, for
 * `FIRING_KEY_DAYS` (decide/retention.ts) after the first call, acted on since or not.
 */
export async function receiveHook(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  call: HookCall,
): Promise<HookReceipt> {
  const trigger = await findTrigger(ctx.db, tenantId, triggerId);
  // an unknown tenant, an unknown trigger and a trigger of another kind answer alike
  if (trigger?.spec.kind !== 'webhook') throw notFound(`trigger "${triggerId}"`);
  if (!trigger.webhookSecret)
    throw new OvertureError(
      'unauthorized',
      `trigger has no signing secret; create one with POST /v1/triggers/${triggerId}/secret`,
    );
  const now = ctx.clock.now();
  const secret = openHookSecret(ctx, tenantId, triggerId, trigger.webhookSecret);
  const verified = verifyHook(secret, call, now.getTime());
  if (!verified.valid) throw new OvertureError('unauthorized', verified.problem);
  const body = parseInput(HookBody, 'body' in call ? call.body : parseJsonBody(call.rawBody));
  const occasionKey = `hook:${body.id ?? createHash('sha256').update(call.rawBody).digest('hex').slice(0, 32)}`;
  return recordFiring(ctx, tenantId, trigger, body, occasionKey, async (trx) => {
    if (!(await recordWebhookCall(trx, tenantId, triggerId, verified.signature, now)))
      throw new OvertureError(
        'conflict',
        'this call was received before (same signature): refused as a replay',
      );
    await deleteWebhookCallsBefore(trx, tenantId, triggerId, new Date(now.getTime() - REPLAY_MEMORY_MS));
  });
}

/**
 * A person fires a trigger by hand for one user and character (`POST /v1/triggers/{id}/fire`):
 * the only way a `manual` trigger fires, and what it produces waits for approval. The occasion is
 * decided at once, through every check of the policy, as any other.
 */
export async function fireTrigger(
  ctx: EngineContext,
  tenantId: string,
  triggerId: string,
  body: HookBody,
): Promise<HookReceipt> {
  const trigger = await findTrigger(ctx.db, tenantId, triggerId);
  if (!trigger) throw notFound(`trigger "${triggerId}"`);
  const occasionKey = `fire:${body.id ?? newId('f', ctx.clock.now().getTime())}`;
  return recordFiring(ctx, tenantId, trigger, body, occasionKey);
}

/**
 * Records an occasion of `trigger` for the pair the body names and asks for the pair to be
 * decided now, after the checks a caller can act on: the policy (403), the trigger's switch
 * (409), a character the trigger is not for (409), the user (404). The same key again records
 * nothing (duplicate): keys are remembered in `firing_keys`, apart from the occasion, which is
 * deleted once acted on, and pruned after `FIRING_KEY_DAYS` (retention.ts).
 */
async function recordFiring(
  ctx: EngineContext,
  tenantId: string,
  trigger: NonNullable<Awaited<ReturnType<typeof findTrigger>>>,
  body: HookBody,
  occasionKey: string,
  inTransaction?: (trx: Db) => Promise<void>,
): Promise<HookReceipt> {
  const now = ctx.clock.now();
  const triggerId = trigger.triggerId;
  if (!(await getPolicy(ctx, tenantId)).allowProactive)
    throw new OvertureError('forbidden', 'proactive messages are off for this tenant');
  if (!trigger.enabled) throw new OvertureError('conflict', 'trigger is disabled');
  if (trigger.characterIds !== null && !trigger.characterIds.includes(body.characterId))
    // accepted, it would be an occasion no decision ever takes up
    throw new OvertureError(
      'conflict',
      `characterId "${body.characterId}" is not one of the trigger's characters (${trigger.characterIds.join(', ')})`,
    );
  const pair = { userId: body.userId, characterId: body.characterId };
  const recorded = await ctx.db.transaction().execute(async (trx) => {
    // an outside system or a person may speak about a user, never create one
    if (!(await findUser(trx, tenantId, body.userId))) throw notFound(`user "${body.userId}"`);
    await inTransaction?.(trx);
    // the key is remembered apart from the occasion, which is deleted once acted on
    const firing = { ...pair, triggerId, key: occasionKey };
    if (!(await rememberFiringKey(trx, tenantId, firing, now))) return 0;
    const inserted = await insertOccasions(
      trx,
      tenantId,
      [
        {
          ...pair,
          triggerId,
          key: occasionKey,
          at: now,
          expiresAt: new Date(now.getTime() + trigger.expiryMinutes * MINUTE),
          detail: body.data === undefined ? {} : { data: body.data },
        },
      ],
      now,
    );
    if (inserted.length > 0) await hintPairs(trx, tenantId, [{ ...pair, at: now }]);
    return inserted.length;
  });
  if (recorded > 0) ctx.events.emit('occasions.recorded', { tenantId, count: recorded });
  return { accepted: true, triggerId, occasionKey, duplicate: recorded === 0 };
}
