import { sql } from 'kysely';
import type { NewEvent } from './event.repository.js';
import type { Db } from './schema.js';

/** Stores the feedback that new `feedback` and `reaction` events give about a proactive message. */
export async function insertFeedback(db: Db, tenantId: string, events: readonly NewEvent[]): Promise<void> {
  const rows = events.filter((e) => e.feedback !== null);
  if (rows.length === 0) return;
  await db
    .insertInto('feedback')
    .values(
      rows.map((e) => ({
        tenant_id: tenantId,
        user_id: e.userId,
        event_id: e.eventId,
        character_id: e.characterId,
        suggestion_id: e.feedback!.suggestionId,
        external_id: e.feedback!.externalId,
        score: e.feedback!.score,
        emoji: e.feedback!.emoji,
        text: e.text,
        at: e.at,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'event_id']).doNothing())
    .execute();
}

export interface FeedbackRow {
  suggestion_id: string;
  event_id: string;
  score: number | null;
  emoji: string | null;
  text: string | null;
  at: Date;
}

/**
 * The latest feedback on each of a user's suggestions: named by the suggestion's id, or by the
 * platform's id of the message its delivery sent.
 */
export async function latestFeedback(
  db: Db,
  tenantId: string,
  suggestions: readonly { userId: string; suggestionId: string }[],
): Promise<FeedbackRow[]> {
  if (suggestions.length === 0) return [];
  const { rows } = await sql<FeedbackRow>`
    select s.suggestion_id, f.event_id, f.score, f.emoji, f.text, f.at
    from unnest(${suggestions.map((s) => s.userId)}::text[], ${suggestions.map((s) => s.suggestionId)}::text[])
      as s(user_id, suggestion_id)
    join lateral (
      select f.* from feedback f
      where f.tenant_id = ${tenantId} and f.user_id = s.user_id
        and (f.suggestion_id = s.suggestion_id or f.external_id in (
          select d.external_id from deliveries d
          where d.tenant_id = ${tenantId} and d.user_id = s.user_id and d.suggestion_id = s.suggestion_id
            and d.external_id is not null))
      order by f.at desc, f.event_id desc
      limit 1
    ) f on true`.execute(db);
  return rows;
}
