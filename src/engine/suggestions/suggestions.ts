import { notFound } from '../../contract/errors.js';
import type { OutcomeView, SuggestionQuery, SuggestionView } from '../../contract/suggestion.schema.js';
import { outcomeStatus, replyLatencySeconds } from '../../domain/outcomes/outcome-status.js';
import {
  type AttemptRow,
  type DeliveryRow,
  deliveriesOfSuggestion,
} from '../../storage/delivery.repository.js';
import { type FeedbackRow, latestFeedback } from '../../storage/feedback.repository.js';
import { type OutcomeRow, outcomesOfSuggestions } from '../../storage/outcome.repository.js';
import { findSuggestion, listSuggestions, type SuggestionRow } from '../../storage/suggestion.repository.js';
import { findDecisionView } from '../decide/decisions.js';
import { deliveryView } from '../delivery/delivery-view.js';
import type { EngineContext } from '../kernel/resources.js';

/**
 * Suggestions newest first: a user's, or the tenant's with a status (the approval queue), with
 * what was decided to say, what it says and how it was written.
 */
export async function listSuggestionPage(ctx: EngineContext, tenantId: string, query: SuggestionQuery) {
  const rows = await listSuggestions(ctx.db, tenantId, query);
  const outcomes = await outcomesBySuggestion(ctx, tenantId, rows);
  const now = ctx.clock.now();
  return {
    suggestions: rows.map((r) => suggestionView(r, outcomes.get(r.suggestion_id), now)),
    next: rows.length === query.limit ? rows.at(-1)!.suggestion_id : null,
  };
}

/** One suggestion with the decision that made it (its trace), its deliveries and their attempts. */
export async function getSuggestion(ctx: EngineContext, tenantId: string, suggestionId: string) {
  const row = await findSuggestion(ctx.db, tenantId, suggestionId);
  if (!row) throw notFound(`suggestion "${suggestionId}"`);
  return suggestionDetail(
    ctx,
    tenantId,
    row,
    deliveriesOfSuggestion(ctx.db, tenantId, row.user_id, suggestionId),
  );
}

/**
 * A suggestion with the decision that made it (read) and its deliveries (given, or being read):
 * what `getSuggestion` answers, also for a suggestion just written, whose deliveries are known.
 */
export async function suggestionDetail(
  ctx: EngineContext,
  tenantId: string,
  row: SuggestionRow,
  deliveriesOf: SuggestionDeliveries | Promise<SuggestionDeliveries>,
) {
  const [decision, deliveries, outcomes] = await Promise.all([
    findDecisionView(ctx, tenantId, row.user_id, row.decision_id),
    deliveriesOf,
    outcomesBySuggestion(ctx, tenantId, [row]),
  ]);
  return {
    ...suggestionView(row, outcomes.get(row.suggestion_id), ctx.clock.now()),
    decision,
    deliveries: deliveries.map((d) => deliveryView(d.delivery, d.attempts)),
  };
}

type SuggestionDeliveries = readonly { delivery: DeliveryRow; attempts: readonly AttemptRow[] }[];

interface Outcome {
  row: OutcomeRow;
  feedback: FeedbackRow | undefined;
}

/** The outcomes of the suggestions that were sent, with their latest feedback, by suggestion id. */
async function outcomesBySuggestion(
  ctx: EngineContext,
  tenantId: string,
  rows: readonly SuggestionRow[],
): Promise<Map<string, Outcome>> {
  const sent = rows
    .filter((r) => r.status === 'sent')
    .map((r) => ({ userId: r.user_id, suggestionId: r.suggestion_id }));
  const [found, feedback] = await Promise.all([
    outcomesOfSuggestions(ctx.db, tenantId, sent),
    latestFeedback(ctx.db, tenantId, sent),
  ]);
  const feedbackOf = new Map(feedback.map((f) => [f.suggestion_id, f]));
  return new Map(
    found.map((o) => [o.suggestion_id!, { row: o, feedback: feedbackOf.get(o.suggestion_id!) }]),
  );
}

function outcomeView({ row: o, feedback: f }: Outcome, now: Date): OutcomeView {
  return {
    status: outcomeStatus({ repliedAt: o.replied_at, windowEndsAt: o.window_ends_at }, now),
    sentAt: o.at.toISOString(),
    windowEndsAt: o.window_ends_at.toISOString(),
    repliedAt: o.replied_at?.toISOString() ?? null,
    replyEventId: o.reply_event_id,
    latencySeconds: replyLatencySeconds(o.at, o.replied_at),
    meaning: o.meaning as OutcomeView['meaning'],
    feedback: f
      ? { eventId: f.event_id, at: f.at.toISOString(), score: f.score, emoji: f.emoji, text: f.text }
      : null,
  };
}

function suggestionView(r: SuggestionRow, outcome: Outcome | undefined, now: Date): SuggestionView {
  return {
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
    handledBy: r.handled_by,
    handledAt: r.handled_at?.toISOString() ?? null,
    composedText: r.composed_text,
    outcome: outcome ? outcomeView(outcome, now) : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
  };
}
