import { notFound, OvertureError } from '../../contract/errors.js';
import type { LlmProvider, LlmProviderInput } from '../../contract/llm-provider.schema.js';
import type { LlmProviderSettings } from '../../ports/composer.js';
import { findCharacter } from '../../storage/character.repository.js';
import {
  deleteLlmProvider,
  findLlmProvider,
  findLlmProviders,
  type LlmProviderRow,
  putLlmProvider,
} from '../../storage/llm-provider.repository.js';
import { appendAudit } from '../kernel/audit.js';
import { requireReachable } from '../kernel/outbound.js';
import type { EngineContext } from '../kernel/resources.js';
import { requireSecrets } from '../kernel/secrets.js';

/**
 * Who writes a tenant's openers: a provider for the tenant, and one per character that overrides
 * it; none means the template composer. API keys are sealed with the server's key before they
 * are stored and are never returned. A PUT without `apiKey` keeps the stored key when the kind is
 * unchanged (so a key need not be sent again to change the model); `apiKey: null` removes it.
 */
export async function saveLlmProvider(
  ctx: EngineContext,
  tenantId: string,
  characterId: string | null,
  input: LlmProviderInput,
  actor: string,
): Promise<LlmProvider> {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    if (characterId !== null && !(await findCharacter(trx, tenantId, characterId)))
      throw notFound(`character "${characterId}"`);
    if ('baseUrl' in input) requireReachable(ctx, tenantId, { baseUrl: input.baseUrl });
    const existing = await findLlmProvider(trx, tenantId, characterId);
    const { apiKey, ...settings } = input as LlmProviderInput & { apiKey?: string | null };
    let sealed: string | null = null;
    if (input.kind !== 'template') {
      if (typeof apiKey === 'string') sealed = seal(ctx, apiKey, tenantId, characterId);
      else if (apiKey === undefined && existing?.settings.kind === input.kind) sealed = existing.apiKeySealed;
      if (input.kind === 'anthropic' && sealed === null) {
        throw new OvertureError('invalid_request', 'apiKey: is required for an anthropic provider', [
          { path: 'apiKey', field: 'apiKey', rule: 'is required for an anthropic provider' },
        ]);
      }
    }
    await putLlmProvider(trx, tenantId, characterId, settings, sealed, now);
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'llm_provider.saved',
      subject: subjectOf(characterId),
      detail: { ...settings, hasApiKey: sealed !== null, apiKeyChanged: sealed !== existing?.apiKeySealed },
    });
    return view({ characterId, settings, apiKeySealed: sealed, updatedAt: now });
  });
}

export async function getLlmProvider(ctx: EngineContext, tenantId: string, characterId: string | null) {
  const row = await findLlmProvider(ctx.db, tenantId, characterId);
  if (!row) throw notFound(absent(characterId));
  return view(row);
}

export async function removeLlmProvider(
  ctx: EngineContext,
  tenantId: string,
  characterId: string | null,
  actor: string,
) {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteLlmProvider(trx, tenantId, characterId))) throw notFound(absent(characterId));
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'llm_provider.removed',
      subject: subjectOf(characterId),
      detail: null,
    });
  });
}

/** What writes this character's openers: a model's settings (key opened), or null for the template. */
export type ResolvedProvider =
  | { settings: LlmProviderSettings; problem?: undefined }
  | { settings: null; problem?: string };

/** The character's own provider, else the tenant's, else the template. */
export async function resolveLlmProvider(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
): Promise<ResolvedProvider> {
  return (await resolveLlmProviders(ctx, tenantId, [characterId])).get(characterId)!;
}

/** `resolveLlmProvider` for several characters of a tenant, read in one statement. */
export async function resolveLlmProviders(
  ctx: EngineContext,
  tenantId: string,
  characterIds: readonly string[],
): Promise<Map<string, ResolvedProvider>> {
  const rows = await findLlmProviders(ctx.db, tenantId, characterIds);
  const tenant = rows.find((r) => r.characterId === null);
  const resolved = new Map<string, ResolvedProvider>();
  for (const characterId of characterIds) {
    const row = rows.find((r) => r.characterId === characterId) ?? tenant;
    resolved.set(characterId, openProvider(ctx, tenantId, row));
  }
  return resolved;
}

function openProvider(
  ctx: EngineContext,
  tenantId: string,
  row: LlmProviderRow | undefined,
): ResolvedProvider {
  if (!row || row.settings.kind === 'template') return { settings: null };
  let apiKey: string | null = null;
  if (row.apiKeySealed !== null) {
    if (!ctx.secrets)
      return { settings: null, problem: 'the stored API key cannot be opened: no OVERTURE_SECRET_KEY' };
    try {
      apiKey = ctx.secrets.open(row.apiKeySealed, sealContext(tenantId, row.characterId));
    } catch (error) {
      return { settings: null, problem: `the stored API key cannot be opened: ${(error as Error).message}` };
    }
  }
  return { settings: { ...row.settings, apiKey } as LlmProviderSettings };
}

function seal(ctx: EngineContext, apiKey: string, tenantId: string, characterId: string | null) {
  return requireSecrets(ctx, 'apiKey').seal(apiKey, sealContext(tenantId, characterId));
}

/** What a sealed key belongs to: a key copied to another tenant or character does not open. */
const sealContext = (tenantId: string, characterId: string | null) =>
  `llm-provider:${tenantId}:${characterId ?? ''}`;

const subjectOf = (characterId: string | null) =>
  characterId === null ? 'llm-provider' : `character:${characterId}/llm-provider`;

const absent = (characterId: string | null) =>
  characterId === null
    ? 'LLM provider of the tenant (openers are written by the template composer)'
    : `LLM provider of character "${characterId}" (the tenant's is used)`;

function view(row: LlmProviderRow): LlmProvider {
  const s = row.settings;
  const field = <T>(name: string) => (s[name] ?? null) as T | null;
  return {
    characterId: row.characterId,
    kind: s.kind as LlmProvider['kind'],
    baseUrl: field<string>('baseUrl'),
    model: field<string>('model'),
    timeoutMs: field<number>('timeoutMs'),
    temperature: field<number>('temperature'),
    maxOutputTokens: field<number>('maxOutputTokens'),
    structuredOutputs: field<boolean>('structuredOutputs'),
    hasApiKey: row.apiKeySealed !== null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
