import type { z } from 'zod';
import { parseInput } from '../../contract/issues.js';
import { LlmProviderInput } from '../../contract/llm-provider.schema.js';
import { ApproveInput, DismissInput, SuggestionQuery } from '../../contract/suggestion.schema.js';
import { getLlmProvider, removeLlmProvider, saveLlmProvider } from '../compose/llm-providers.js';
import { approveSuggestion, dismissSuggestion } from '../suggestions/approval.js';
import { getSuggestion, listSuggestionPage, suggestionDetail } from '../suggestions/suggestions.js';
import type { TenantScope } from './tenant-scope.js';

/** Who writes the openers, and the approval queue: what the engine decided to say and a person's word on it. */
export function suggestionUseCases({ ctx, tenantId, actor }: TenantScope) {
  return {
    /**
     * Sets who writes openers: the tenant's language model (characterId null) or one
     * character's; the API key is sealed (needs OVERTURE_SECRET_KEY) and never returned.
     */
    putLlmProvider: (characterId: string | null, input: z.input<typeof LlmProviderInput>) =>
      saveLlmProvider(ctx, tenantId, characterId, parseInput(LlmProviderInput, input), actor),
    getLlmProvider: (characterId: string | null) => getLlmProvider(ctx, tenantId, characterId),
    /** The tenant's openers come from the template again; a character's from the tenant's model. */
    deleteLlmProvider: (characterId: string | null) => removeLlmProvider(ctx, tenantId, characterId, actor),
    /** Suggestions newest first: a user's (`userId`), or the tenant's (`status: 'pending'`: the approval queue). */
    listSuggestions: (query: z.input<typeof SuggestionQuery> = {}) =>
      listSuggestionPage(ctx, tenantId, parseInput(SuggestionQuery, query)),
    /** One suggestion with the decision that made it, its deliveries and their attempts. */
    getSuggestion: (suggestionId: string) => getSuggestion(ctx, tenantId, suggestionId),
    /**
     * Approves a pending suggestion (optionally `{text}` of your own): its delivery is queued at
     * once, and is the one delivery of the suggestion this answers with.
     */
    approveSuggestion: async (suggestionId: string, input: z.input<typeof ApproveInput> = {}) => {
      const approved = await approveSuggestion(
        ctx,
        tenantId,
        suggestionId,
        parseInput(ApproveInput, input),
        actor,
      );
      // just queued: no attempt yet (read again, it could be sending already)
      return suggestionDetail(ctx, tenantId, approved.suggestion, [
        { delivery: approved.delivery, attempts: [] },
      ]);
    },
    /** Dismisses a pending suggestion with `{reason}`: nothing is sent. */
    dismissSuggestion: async (suggestionId: string, input: z.input<typeof DismissInput>) => {
      const dismissed = await dismissSuggestion(
        ctx,
        tenantId,
        suggestionId,
        parseInput(DismissInput, input),
        actor,
      );
      // only a pending suggestion is dismissed, and a pending one has no delivery yet
      return suggestionDetail(ctx, tenantId, dismissed, []);
    },
  };
}
