import type { PolicyInput, PolicyView } from '../../contract/policy.schema.js';
import { type Policy, policyFor } from '../../domain/policy/policy.js';
import { toTenantPolicy } from '../../domain/policy/policy-document.js';
import { findPolicy, putPolicy, readPolicy } from '../../storage/policy.repository.js';
import { requestTenantRearm } from '../../storage/schedule.repository.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';

/** The tenant's policy in the API's shape: the stored one, or the defaults (proactive off). */
export async function getPolicy(ctx: EngineContext, tenantId: string): Promise<PolicyView> {
  const { settings, updatedAt } = await readPolicy(ctx.db, tenantId);
  return { ...settings, updatedAt: updatedAt?.toISOString() ?? null };
}

/**
 * Replaces the tenant's policy and records the change, with the settings before and after, in
 * the audit log, in one transaction, and asks for every pair to be decided again under it. The
 * scheduler claims only the pairs of tenants whose stored policy allows proactive messages, so
 * turning `allowProactive` off pauses scheduled work at once, on every instance.
 */
export async function savePolicy(ctx: EngineContext, tenantId: string, input: PolicyInput, actor: string) {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await findPolicy(trx, tenantId);
    await putPolicy(trx, tenantId, input, now);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'policy.updated',
      subject: 'policy',
      detail: { before: before?.settings ?? null, after: input },
    });
    await requestTenantRearm(trx, tenantId, now);
  });
  ctx.events.emit('policy.updated', { tenantId, allowProactive: input.allowProactive });
  ctx.events.emit('rearm.requested', { tenantId });
  return { ...input, updatedAt: now.toISOString() };
}

/**
 * The tenant's policy as `decide` reads it for one character (its overrides applied), or the
 * tenant's defaults without a character.
 */
export async function loadPolicyFor(
  ctx: EngineContext,
  tenantId: string,
  characterId?: string,
  proactiveEnabled = true,
): Promise<Policy> {
  const tenant = toTenantPolicy(await getPolicy(ctx, tenantId));
  return characterId === undefined
    ? { ...tenant.defaults, proactiveEnabled }
    : policyFor(tenant, characterId, proactiveEnabled);
}
