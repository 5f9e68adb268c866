import type { IntentOutput, IntentRequest } from '../../domain/compose/compose-request.js';
import { ComposerError } from '../../ports/composer.js';
import type { EngineContext } from '../kernel/resources.js';
import { resolveLlmProvider } from './llm-providers.js';

/** A chat bot is waiting: the model's reading of a reply is given up after this. */
export const INTENT_TIMEOUT_MS = 4000;

/**
 * What the character's language model makes of a reply at a funnel step, or null when it has
 * none configured, or it failed, or took longer than {@link INTENT_TIMEOUT_MS}: the caller keeps
 * the reading of the step's words then.
 */
export async function askStepIntent(
  ctx: EngineContext,
  tenantId: string,
  characterId: string,
  request: IntentRequest,
): Promise<IntentOutput | null> {
  const provider = await resolveLlmProvider(ctx, tenantId, characterId);
  if (provider.settings === null) return null;
  try {
    return await ctx.models(provider.settings, tenantId).readIntent(request, {
      signal: AbortSignal.timeout(INTENT_TIMEOUT_MS),
    });
  } catch (error) {
    ctx.logger.warn(
      {
        tenantId,
        characterId,
        reason: error instanceof ComposerError ? error.reason : 'error',
        detail: error instanceof ComposerError ? error.detail : String(error),
      },
      "the language model could not read a funnel reply; the step's words decide",
    );
    return null;
  }
}
