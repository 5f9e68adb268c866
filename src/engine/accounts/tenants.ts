import { SCOPES } from '../../contract/api-key.schema.js';
import { notFound, OvertureError } from '../../contract/errors.js';
import { findApiKeyByHash } from '../../storage/api-key.repository.js';
import type { Db } from '../../storage/schema.js';
import {
  countTenants,
  findTenant,
  insertTenant,
  listTenantIds,
  lockBootstrap,
  updateTenantRow,
} from '../../storage/tenant.repository.js';
import type { EngineContext } from '../kernel/resources.js';
import { ensureBuiltinTriggers } from '../triggers/triggers.js';
import { createApiKey, hashKey } from './api-keys.js';

export const DEFAULT_TENANT = 'default';
const TENANT_ID_RULE = '1-63 lowercase letters, digits or -, starting with a letter or digit';
const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Creates a tenant with an admin key and returns the key, shown only this once. */
export async function createTenant(ctx: EngineContext, input: { tenantId: string; name?: string }) {
  if (!TENANT_ID.test(input.tenantId)) {
    throw new OvertureError('invalid_request', `tenantId must be ${TENANT_ID_RULE}`, [
      { path: 'tenantId', field: 'tenantId', rule: `must be ${TENANT_ID_RULE}` },
    ]);
  }
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const created = await insertTenant(trx, {
      tenantId: input.tenantId,
      name: input.name ?? input.tenantId,
      createdAt: now,
    });
    if (!created) throw new OvertureError('conflict', `tenant "${input.tenantId}" already exists`);
    const key = await createApiKey(trx, input.tenantId, { name: 'admin', scopes: [...SCOPES] }, now);
    await ensureBuiltinTriggers(trx, [input.tenantId], now);
    return { tenantId: input.tenantId, adminKey: key };
  });
}

export async function getTenant(ctx: EngineContext, tenantId: string) {
  const tenant = await findTenant(ctx.db, tenantId);
  if (!tenant) throw notFound(`tenant "${tenantId}"`);
  return {
    tenantId: tenant.tenantId,
    name: tenant.name,
    defaultTimezone: tenant.defaultTimezone,
    createdAt: tenant.createdAt.toISOString(),
  };
}

/** Renames a tenant or sets the time zone used for users whose zone is neither given nor inferred. */
export async function updateTenant(
  ctx: EngineContext,
  tenantId: string,
  patch: { name?: string; defaultTimezone?: string },
) {
  await updateTenantRow(ctx.db, tenantId, patch);
  return getTenant(ctx, tenantId);
}

export type BootstrapResult =
  | { kind: 'created'; tenantId: string; adminKey: string }
  | { kind: 'configured-key-added'; tenantId: string }
  | { kind: 'nothing-to-do' };

/**
 * On first start with an empty database, creates the default tenant and an admin key. With a
 * configured key (OVERTURE_ADMIN_KEY), makes sure that key exists instead, in any state of the
 * database. Instances starting together serialise on an advisory lock, so one of them does it.
 */
export async function bootstrapTenancy(ctx: EngineContext, configuredKey?: string): Promise<BootstrapResult> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (trx): Promise<BootstrapResult> => {
    await lockBootstrap(trx);
    const outcome = await bootstrapTenant(trx, now, configuredKey, ctx);
    // tenants made before the built-in triggers existed get them here
    await ensureBuiltinTriggers(trx, await listTenantIds(trx), now);
    return outcome;
  });
  return result;
}

async function bootstrapTenant(
  trx: Db,
  now: Date,
  configuredKey: string | undefined,
  ctx: EngineContext,
): Promise<BootstrapResult> {
  if (configuredKey !== undefined) {
    const existing = await findApiKeyByHash(trx, hashKey(configuredKey));
    if (existing) {
      if (existing.revokedAt)
        ctx.logger.warn({ keyId: existing.keyId }, 'OVERTURE_ADMIN_KEY names a revoked key');
      return { kind: 'nothing-to-do' };
    }
    await insertTenant(trx, { tenantId: DEFAULT_TENANT, name: 'Default', createdAt: now });
    await createApiKey(
      trx,
      DEFAULT_TENANT,
      { name: 'admin (OVERTURE_ADMIN_KEY)', scopes: [...SCOPES] },
      now,
      configuredKey,
    );
    return { kind: 'configured-key-added', tenantId: DEFAULT_TENANT };
  }
  if ((await countTenants(trx)) > 0) return { kind: 'nothing-to-do' };
  await insertTenant(trx, { tenantId: DEFAULT_TENANT, name: 'Default', createdAt: now });
  const key = await createApiKey(trx, DEFAULT_TENANT, { name: 'admin', scopes: [...SCOPES] }, now);
  return { kind: 'created', tenantId: DEFAULT_TENANT, adminKey: key.key };
}
