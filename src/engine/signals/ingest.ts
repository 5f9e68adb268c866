import type { InputIssue } from '../../contract/errors.js';
import {
  type EventInput,
  type IngestResult,
  type IngestSignal,
  LIMITS,
} from '../../contract/event.schema.js';
import { invalidInput } from '../../contract/issues.js';
import { offsetOfTimestamp } from '../../domain/activity/offset-evidence.js';
import { feedbackScore } from '../../domain/outcomes/feedback.js';
import { compare, foldActivity } from '../../domain/signals/activity-delta.js';
import type { EventKind } from '../../domain/signals/event-kind.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import {
  applyPairDeltas,
  applyUserDeltas,
  ensureCharacters,
  eventKey,
  insertNewEvents,
  type NewEvent,
} from '../../storage/event.repository.js';
import { insertFeedback } from '../../storage/feedback.repository.js';
import { insertOccasions } from '../../storage/occasion.repository.js';
import { hintPairs } from '../../storage/schedule.repository.js';
import type { Db } from '../../storage/schema.js';
import { prepareActivity } from '../activity/activity.js';
import { loopsFromEvents, storeOpenLoops } from '../context/open-loops.js';
import { emitOutcomes } from '../kernel/announcements.js';
import type { EngineContext } from '../kernel/resources.js';
import {
  type AttributedOutcome,
  attributeReplies,
  meaningsOf,
  type SentMessage,
} from '../outcomes/attribution.js';
import { actOnWords } from '../outcomes/refusals.js';
import { wakesFromEvents } from './ingest-wakes.js';

/**
 * Stores a validated batch and folds its new events into the per-user and per-(user, character)
 * state, all in one transaction: either the whole batch lands or nothing does. Events whose
 * (user, id) was stored before, or repeats inside the batch, are reported as duplicates and
 * change nothing.
 */
export async function ingestEvents(
  ctx: EngineContext,
  tenantId: string,
  events: EventInput[],
): Promise<IngestResult> {
  const now = ctx.clock.now();
  rejectFutureEvents(events, now);

  const { unique, firstIndex } = prepareEvents(events);
  const triggers = await ctx.triggers.get(tenantId);

  const { stored, occasions, outcomes, signals } = await ctx.db
    .transaction()
    .execute((trx) => storeEvents(trx, ctx, tenantId, unique, triggers, now));

  const byKind: Partial<Record<EventKind, number>> = {};
  const results = events.map((event, index) => {
    const key = eventKey(event.userId, event.id);
    const accepted = stored.has(key) && firstIndex.get(key) === index;
    if (accepted) byKind[event.kind] = (byKind[event.kind] ?? 0) + 1;
    return {
      id: event.id,
      userId: event.userId,
      status: accepted ? ('accepted' as const) : ('duplicate' as const),
    };
  });
  const result = { accepted: stored.size, duplicates: events.length - stored.size, results, signals };
  ctx.events.emit('events.ingested', {
    tenantId,
    accepted: result.accepted,
    duplicates: result.duplicates,
    byKind,
  });
  announceStored(ctx, tenantId, { occasions, outcomes, signals });
  return result;
}

/** Announces what stored events made: occasions (the scheduler wakes), replies attributed, opt-outs. */
export function announceStored(
  ctx: EngineContext,
  tenantId: string,
  made: { occasions: number; outcomes: AttributedOutcome[]; signals: IngestSignal[] },
) {
  if (made.occasions > 0) ctx.events.emit('occasions.recorded', { tenantId, count: made.occasions });
  emitOutcomes(ctx, tenantId, made.outcomes);
  for (const signal of made.signals) {
    const { kind: _, ...optedOut } = signal;
    ctx.events.emit('user.opted_out', { tenantId, ...optedOut });
  }
}

/**
 * Stores new events in the caller's transaction and folds them into the users' state: what
 * `ingestEvents` does inside its transaction, and what a delivery does when it records the
 * message it sent (`sent`: it becomes an outcome). Returns the keys of the events stored, the
 * number of occasions recorded, the outcomes whose reply changed and the signals for the bot.
 */
export async function storeEvents(
  trx: Db,
  ctx: EngineContext,
  tenantId: string,
  unique: NewEvent[],
  triggers: readonly Trigger[],
  now: Date,
  sent?: SentMessage,
): Promise<{
  stored: Set<string>;
  occasions: number;
  outcomes: AttributedOutcome[];
  signals: IngestSignal[];
}> {
  const inserted = await insertNewEvents(trx, tenantId, unique, now);
  const keys = new Set(inserted.map((e) => eventKey(e.userId, e.eventId)));
  const fresh = unique.filter((e) => keys.has(eventKey(e.userId, e.eventId)));
  const { users, pairs } = foldActivity(fresh);
  await ensureCharacters(trx, tenantId, [...new Set(fresh.map((e) => e.characterId))].sort(compare), now);
  // the models are computed before the users' rows are locked, and written with their counters
  const activity = await prepareActivity(trx, ctx, tenantId, fresh, now);
  const written = await applyUserDeltas(trx, tenantId, users, now, activity?.writes);
  const { created: newPairs, outcomeSpans } = await applyPairDeltas(trx, tenantId, pairs, now);
  await activity?.finish(trx, written);
  // the replies of the proactive messages these events answer (the users' rows are locked now)
  const meanings = meaningsOf(fresh);
  const outcomes = await attributeReplies(trx, tenantId, fresh, sent, now, meanings, outcomeSpans);
  await insertFeedback(trx, tenantId, fresh);
  // what the users' words ask for: a stop opts out, a "not now" snoozes
  const signals = await actOnWords(trx, ctx, tenantId, fresh, outcomes, now, meanings);
  // what the users said will happen, read in their zones, and the follow-ups it gets
  const loops = loopsFromEvents(fresh, (userId) => activity?.zones.get(userId), now);
  const followUps = await storeOpenLoops(trx, tenantId, loops, triggers, now);
  // the scheduler's side: event triggers' and follow-ups' occasions, and when each pair is due at the latest
  const wakes = wakesFromEvents(triggers, fresh, newPairs, now);
  const recorded = await insertOccasions(trx, tenantId, [...wakes.occasions, ...followUps.occasions], now);
  await hintPairs(trx, tenantId, [...wakes.wakes, ...followUps.wakes]);
  return { stored: keys, occasions: recorded.length, outcomes, signals };
}

/**
 * The batch as rows to insert: repeats of a (user, id) inside it dropped (the first wins, its
 * index kept for the answer), sorted by (user, id) so that concurrent batches lock shared rows in
 * one order and never deadlock.
 */
export function prepareEvents(events: EventInput[]): { unique: NewEvent[]; firstIndex: Map<string, number> } {
  const firstIndex = new Map<string, number>();
  const unique: NewEvent[] = [];
  events.forEach((event, index) => {
    const key = eventKey(event.userId, event.id);
    if (firstIndex.has(key)) return;
    firstIndex.set(key, index);
    unique.push({
      userId: event.userId,
      eventId: event.id,
      characterId: event.characterId,
      kind: event.kind,
      name: event.name ?? null,
      at: new Date(event.at),
      offsetMinutes: offsetOfTimestamp(event.at),
      text: event.text ?? null,
      channel: event.channel ?? null,
      meta: event.meta ?? null,
      feedback:
        event.suggestionId === undefined && event.externalId === undefined
          ? null
          : {
              suggestionId: event.suggestionId ?? null,
              externalId: event.externalId ?? null,
              score: feedbackScore(event.score, event.emoji),
              emoji: event.emoji ?? null,
            },
    });
  });
  unique.sort((a, b) => compare(a.userId, b.userId) || compare(a.eventId, b.eventId));
  return { unique, firstIndex };
}

function rejectFutureEvents(events: EventInput[], now: Date): void {
  const limit = now.getTime() + LIMITS.futureSkewMs;
  const issues: InputIssue[] = [];
  events.forEach((event, index) => {
    if (Date.parse(event.at) > limit) {
      issues.push({
        path: `events[${index}].at`,
        index,
        field: 'at',
        rule: `must not be more than ${LIMITS.futureSkewMs / 60_000} minutes in the future`,
      });
    }
  });
  if (issues.length > 0) throw invalidInput(issues);
}
