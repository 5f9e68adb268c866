import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey, ApiKeyCreate, ApiKeyCreated, Scope } from '../../contract/api-key.schema.js';
import { notFound, OvertureError } from '../../contract/errors.js';
import type { RequestLimitsInput } from '../../contract/tenant.schema.js';
import {
  findCallerByHash,
  insertApiKey,
  listApiKeys,
  lockActiveAdminKeys,
  revokeApiKey,
  touchApiKey,
} from '../../storage/api-key.repository.js';
import type { Db } from '../../storage/schema.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';
import { requestLimitsOf } from './request-limits.js';
import { apiKeyView } from './views.js';

/** Who a request is: the tenant it acts for and what its key allows. */
export interface Principal {
  tenantId: string;
  keyId: string;
  scopes: readonly Scope[];
  /** The tenant's own request limits (null fields: the operator's defaults), read with the key. */
  requestLimits: RequestLimitsInput;
}

/**
 * Keys are 32 random bytes: too much entropy to guess, so a fast SHA-256 is the right hash (a
 * slow password hash would only slow every request). Only the hash is stored.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function generateKey(): string {
  return `ovk_${randomBytes(32).toString('base64url')}`;
}

const newKeyId = () => `key_${randomBytes(8).toString('hex')}`;
const prefixOf = (key: string) => key.slice(0, 12);

/** Stores a key (random unless given) for a tenant and returns it with its secret, shown only once. */
export async function createApiKey(
  db: Db,
  tenantId: string,
  input: ApiKeyCreate,
  now: Date,
  secret: string = generateKey(),
): Promise<ApiKeyCreated> {
  const record = {
    tenantId,
    keyId: newKeyId(),
    name: input.name,
    prefix: prefixOf(secret),
    scopes: input.scopes,
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
  };
  await insertApiKey(db, { ...record, hash: hashKey(secret) });
  return { ...apiKeyView(record), key: secret };
}

/** Creates a key, recording who did (`actor`: the caller's key id, or `library`) in the audit log. */
export async function createTenantApiKey(
  ctx: EngineContext,
  tenantId: string,
  input: ApiKeyCreate,
  actor = 'library',
) {
  const now = ctx.clock.now();
  const created = await ctx.db.transaction().execute(async (trx) => {
    const key = await createApiKey(trx, tenantId, input, now);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'api_key.created',
      subject: `api_key:${key.keyId}`,
      detail: { name: key.name, scopes: key.scopes, prefix: key.prefix },
    });
    return key;
  });
  ctx.events.emit('api_key.created', { tenantId, keyId: created.keyId });
  return created;
}

export async function listTenantApiKeys(ctx: EngineContext, tenantId: string): Promise<ApiKey[]> {
  return (await listApiKeys(ctx.db, tenantId)).map(apiKeyView);
}

/** Revokes a key at once. The tenant's last active admin key cannot be revoked: nobody could make another. */
export async function revokeTenantApiKey(
  ctx: EngineContext,
  tenantId: string,
  keyId: string,
  actor = 'library',
): Promise<ApiKey> {
  const now = ctx.clock.now();
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    const admins = await lockActiveAdminKeys(trx, tenantId);
    if (admins.length === 1 && admins[0] === keyId) {
      throw new OvertureError(
        'conflict',
        `key "${keyId}" is the tenant's last active admin key; create another admin key before revoking it`,
      );
    }
    const key = await revokeApiKey(trx, tenantId, keyId, now);
    if (key)
      await appendAudit(ctx, trx, tenantId, now, {
        actor,
        action: 'api_key.revoked',
        subject: `api_key:${keyId}`,
        detail: { name: key.name },
      });
    return key;
  });
  if (!revoked) throw notFound(`API key "${keyId}"`);
  ctx.events.emit('api_key.revoked', { tenantId, keyId });
  return apiKeyView(revoked);
}

/**
 * Resolves a bearer key to its principal, or throws `unauthorized`. `last_used_at` is written at
 * most once a minute per key and instance, off the request's path.
 */
export function createAuthenticator(ctx: EngineContext) {
  const touched = new Map<string, number>();
  return async function authenticate(key: string): Promise<Principal> {
    const record = await findCallerByHash(ctx.db, hashKey(key));
    if (!record) throw new OvertureError('unauthorized', 'unknown API key');
    if (record.revokedAt) throw new OvertureError('unauthorized', 'this API key has been revoked');
    const now = ctx.clock.now();
    const last = touched.get(record.keyId) ?? 0;
    if (now.getTime() - last >= 60_000) {
      touched.set(record.keyId, now.getTime());
      touchApiKey(ctx.db, record.tenantId, record.keyId, now).then(
        () => ctx.events.emit('api_key.used', { tenantId: record.tenantId, keyId: record.keyId, at: now }),
        (error) => {
          // a database outage is logged once by the database's status
          if (!(error instanceof OvertureError && error.code === 'unavailable'))
            ctx.logger.warn({ err: error, keyId: record.keyId }, 'could not record key use');
        },
      );
    }
    return {
      tenantId: record.tenantId,
      keyId: record.keyId,
      scopes: record.scopes,
      requestLimits: requestLimitsOf(record.requestLimits),
    };
  };
}
