import type { ContextProviderInput, ContextProviderView } from '../../contract/context-provider.schema.js';
import { notFound } from '../../contract/errors.js';
import { findCharacter } from '../../storage/character.repository.js';
import {
  type ContextProviderRecord,
  deleteContextProvider,
  findContextProvider,
  putContextProvider,
} from '../../storage/context-provider.repository.js';
import type { Db } from '../../storage/schema.js';
import { appendAudit } from '../kernel/audit.js';
import { requireReachable } from '../kernel/outbound.js';
import type { EngineContext } from '../kernel/resources.js';
import { requireSecrets } from '../kernel/secrets.js';
import { callbackSecretContext } from './context-providers.js';

/**
 * A character's context callback: where the bot's own memory answers (docs/CONTEXT-PROVIDER.md).
 * The secret is sealed with the server's key, bound to the tenant and character, and never
 * shown again; the audit log records each change with the URL and timeout and whether the
 * secret changed, never the secret.
 */
export async function getContextProviderSettings(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
): Promise<ContextProviderView> {
  const record = await mustFind(ctx.db, tenantId, characterId);
  return contextProviderView(record);
}

/** Configures or replaces the character's callback; `created` tells which. */
export async function saveContextProviderSettings(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  input: ContextProviderInput,
  actor: string,
): Promise<{ view: ContextProviderView; created: boolean }> {
  const now = ctx.clock.now();
  const saved = await ctx.db.transaction().execute(async (trx) => {
    if (!(await findCharacter(trx, tenantId, characterId))) throw notFound(`character "${characterId}"`);
    requireReachable(ctx, tenantId, { url: input.url });
    const secrets = requireSecrets(ctx, 'secret');
    const aad = callbackSecretContext(tenantId, characterId);
    const before = await findContextProvider(trx, tenantId, characterId, true);
    const record: ContextProviderRecord = {
      characterId,
      url: input.url,
      secretSealed: secrets.seal(input.secret, aad),
      timeoutMs: input.timeoutMs,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    };
    const { created } = await putContextProvider(trx, tenantId, record);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: before ? 'context_provider.updated' : 'context_provider.created',
      subject: `character:${characterId}`,
      detail: {
        before: before ? audited(before) : null,
        after: audited(record),
        secretChanged: !before || openOrNull(ctx, before.secretSealed, aad) !== input.secret,
      },
    });
    return { record, created };
  });
  ctx.events.emit('context_provider.updated', { tenantId, characterId });
  return { view: contextProviderView(saved.record), created: saved.created };
}

/** Removes the character's callback: its users' context comes from the built-in store again. */
export async function removeContextProviderSettings(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  actor: string,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await mustFind(trx, tenantId, characterId, true);
    await deleteContextProvider(trx, tenantId, characterId);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'context_provider.deleted',
      subject: `character:${characterId}`,
      detail: { before: audited(before) },
    });
  });
  ctx.events.emit('context_provider.updated', { tenantId, characterId });
}

async function mustFind(db: Db, tenantId: string, characterId: string, forUpdate = false) {
  const [character, record] = await Promise.all([
    findCharacter(db, tenantId, characterId),
    findContextProvider(db, tenantId, characterId, forUpdate),
  ]);
  if (!character) throw notFound(`character "${characterId}"`);
  if (!record) throw notFound(`context provider of character "${characterId}" (it uses the built-in store)`);
  return record;
}

function openOrNull(ctx: EngineContext, sealed: string, aad: string): string | null {
  try {
    return ctx.secrets?.open(sealed, aad) ?? null;
  } catch {
    return null;
  }
}

const audited = (r: ContextProviderRecord) => ({ url: r.url, timeoutMs: r.timeoutMs });

function contextProviderView(r: ContextProviderRecord): ContextProviderView {
  return {
    characterId: r.characterId,
    url: r.url,
    timeoutMs: r.timeoutMs,
    hasSecret: true,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
