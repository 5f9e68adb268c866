import { classifyReply, type ReplyMeaning } from '../../domain/outcomes/reply-meaning.js';
import { compare } from '../../domain/signals/activity-delta.js';
import { eventKey, type NewEvent, type OutcomeSpan } from '../../storage/event.repository.js';
import {
  findChangedReplies,
  insertOutcomes,
  type PairSpan,
  type Reattributed,
  writeReplies,
} from '../../storage/outcome.repository.js';
import { readPolicy } from '../../storage/policy.repository.js';
import type { Db } from '../../storage/schema.js';
import { pairKey } from '../../storage/user.repository.js';

/** An outcome whose reply changed, with what the new reply means (null: no reply, or no text). */
export interface AttributedOutcome extends Reattributed {
  meaning: ReplyMeaning | null;
}

/** A proactive message just sent, as its delivery records it. */
export interface SentMessage {
  deliveryId: string;
  suggestionId: string;
  userId: string;
  characterId: string;
  at: Date;
}

/**
 * Attribution, in the transaction that stores new events, after the users' rows are locked: a
 * message a delivery sent (`sent`, never an event a client reported) becomes an outcome with the
 * tenant's attribution window, and the replies of every outcome that the new events may change
 * are worked out again (`findChangedReplies`) and stored with their meanings (`writeReplies`). A
 * reply stored before its message, events sent twice, late or out of order: the stored events
 * decide, so every order gives the same outcome. Returns the outcomes whose reply changed.
 */
export async function attributeReplies(
  trx: Db,
  tenantId: string,
  fresh: NewEvent[],
  sent: SentMessage | undefined,
  now: Date,
  /** The meanings of the batch's own messages, by `eventKey`, classified once for the batch. */
  known: ReadonlyMap<string, ReplyMeaning> = new Map(),
  /**
   * Each pair's span of outcomes, by `pairKey`, read under the pair's lock: a message outside its
   * pair's span cannot be a reply, and is not looked for. A pair missing here is looked for.
   */
  spans?: ReadonlyMap<string, OutcomeSpan>,
): Promise<AttributedOutcome[]> {
  const replies = fresh.filter((e) => e.kind === 'message_in' && mayAnswer(e, spans));
  if (replies.length === 0 && !sent) return [];
  if (sent) {
    const windowMs = (await readPolicy(trx, tenantId)).settings.attributionWindowMinutes * 60_000;
    await insertOutcomes(
      trx,
      tenantId,
      [
        {
          userId: sent.userId,
          outcomeId: sent.deliveryId,
          characterId: sent.characterId,
          suggestionId: sent.suggestionId,
          at: sent.at,
          windowEndsAt: new Date(sent.at.getTime() + windowMs),
        },
      ],
      now,
    );
  }
  const moments = replies.map((e) => ({ userId: e.userId, characterId: e.characterId, at: e.at }));
  if (sent) moments.push({ userId: sent.userId, characterId: sent.characterId, at: sent.at });
  const changed = await findChangedReplies(trx, tenantId, spansOf(moments));
  const attributed = changed.map((o) => ({
    ...o,
    meaning:
      o.replyText === null
        ? null
        : (known.get(eventKey(o.userId, o.replyEventId!)) ?? classifyReply(o.replyText)),
  }));
  await writeReplies(
    trx,
    tenantId,
    attributed.map((o) => ({
      userId: o.userId,
      outcomeId: o.outcomeId,
      replyEventId: o.replyEventId,
      repliedAt: o.repliedAt,
      meaning: o.meaning?.meaning ?? null,
      cue: o.meaning?.cue ?? null,
    })),
    now,
  );
  return attributed;
}

/** Whether a message falls in its pair's span of outcomes (or the span is not known). */
function mayAnswer(e: NewEvent, spans: ReadonlyMap<string, OutcomeSpan> | undefined): boolean {
  const span = spans?.get(pairKey(e.userId, e.characterId));
  if (span === undefined) return true;
  return span.from !== null && span.until !== null && e.at >= span.from && e.at < span.until;
}

/** What each new `message_in` with text means, classified once for everything the batch does with it. */
export function meaningsOf(fresh: readonly NewEvent[]): Map<string, ReplyMeaning> {
  const meanings = new Map<string, ReplyMeaning>();
  for (const e of fresh)
    if (e.kind === 'message_in' && e.text !== null)
      meanings.set(eventKey(e.userId, e.eventId), classifyReply(e.text));
  return meanings;
}

/** Per (user, character): the earliest and the latest of the moments, in a fixed order. */
function spansOf(moments: { userId: string; characterId: string; at: Date }[]): PairSpan[] {
  const spans = new Map<string, PairSpan>();
  for (const e of moments) {
    const key = pairKey(e.userId, e.characterId);
    const span = spans.get(key);
    if (!span) spans.set(key, { userId: e.userId, characterId: e.characterId, from: e.at, to: e.at });
    else {
      if (e.at < span.from) span.from = e.at;
      if (e.at > span.to) span.to = e.at;
    }
  }
  return [...spans.values()].sort(
    (a, b) => compare(a.userId, b.userId) || compare(a.characterId, b.characterId),
  );
}
