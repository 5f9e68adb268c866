import { listSuggestions } from '../storage/suggestion.repository.js';
import type { EngineContext } from './context.js';
import type { SuggestionQuery, SuggestionView } from './schemas/suggestion.schema.js';

/** A user's suggestions, newest first: what was decided to say, what it says and how it was written. */
export async function listSuggestionPage(ctx: EngineContext, tenantId: string, query: SuggestionQuery) {
  const rows = await listSuggestions(ctx.db, tenantId, query);
  const suggestions: SuggestionView[] = rows.map((r) => ({
    suggestionId: r.suggestion_id,
    userId: r.user_id,
    characterId: r.character_id,
    triggerId: r.trigger_id,
    occasionKey: r.occasion_key,
    decisionId: r.decision_id,
    status: r.status,
    statusReason: r.status_reason,
    approval: r.approval,
    text: r.text,
    topic: r.topic as SuggestionView['topic'],
    composer: r.composer,
    composition: r.composition,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
  }));
  return { suggestions, next: rows.length === query.limit ? rows.at(-1)!.suggestion_id : null };
}
