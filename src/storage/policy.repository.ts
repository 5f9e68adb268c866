import { DEFAULT_POLICY_INPUT, PolicyInput } from '../contract/policy.schema.js';
import type { Db } from './schema.js';

/** The tenant's stored policy document and when it was written, or undefined (the defaults apply). */
export async function findPolicy(db: Db, tenantId: string) {
  const row = await db
    .selectFrom('policies')
    .select(['settings', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row && { settings: row.settings, updatedAt: row.updated_at };
}

export async function putPolicy(db: Db, tenantId: string, settings: unknown, now: Date) {
  await db
    .insertInto('policies')
    .values({ tenant_id: tenantId, settings: JSON.stringify(settings), updated_at: now })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({ settings: JSON.stringify(settings), updated_at: now }),
    )
    .execute();
}

/**
 * The tenant's policy document as it applies now: the stored one, parsed again (stored documents
 * were validated on the way in; parsing fills fields added since), or the defaults (proactive
 * messages off) with no `updatedAt`.
 */
export async function readPolicy(
  db: Db,
  tenantId: string,
): Promise<{ settings: PolicyInput; updatedAt: Date | null }> {
  const stored = await findPolicy(db, tenantId);
  if (!stored) return { settings: DEFAULT_POLICY_INPUT, updatedAt: null };
  return { settings: PolicyInput.parse(stored.settings), updatedAt: stored.updatedAt };
}
