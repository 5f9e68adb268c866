import { notFound, OvertureError } from '../../contract/errors.js';
import type { OpenLoopClose, OpenLoopInput, OpenLoopQuery } from '../../contract/open-loop.schema.js';
import type { ZoneOffsets } from '../../domain/shared/local-time.js';
import { extractOpenLoops, mayHoldADate, mentionForSentence } from '../../domain/topics/open-loops.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import type { NewEvent } from '../../storage/event.repository.js';
import { insertOccasions } from '../../storage/occasion.repository.js';
import {
  closeOpenLoops,
  findOpenLoop,
  insertOpenLoops,
  listOpenLoops,
  type OpenLoopRow,
} from '../../storage/open-loop.repository.js';
import { hintPairs } from '../../storage/schedule.repository.js';
import type { Db } from '../../storage/schema.js';
import { newId } from '../kernel/ids.js';
import { mustExist } from '../kernel/must-exist.js';
import type { EngineContext } from '../kernel/resources.js';
import { wakesFromLoops } from './loop-follow-ups.js';

/**
 * The open loops in a batch of new events: each `message_in` with a text is read in its user's
 * zone (given, inferred or the tenant's default, as ingest resolved it for the activity model)
 * against the message's own instant. A message without a date word costs one regular expression.
 */
export function loopsFromEvents(
  events: readonly NewEvent[],
  zoneOf: (userId: string) => ZoneOffsets | undefined,
  now: Date,
): OpenLoopRow[] {
  const rows: OpenLoopRow[] = [];
  for (const event of events) {
    if (event.kind !== 'message_in' || !event.text || !mayHoldADate(event.text)) continue;
    const zone = zoneOf(event.userId);
    if (!zone) continue;
    for (const loop of extractOpenLoops(event.text, { atMs: event.at.getTime(), zone }))
      rows.push({
        user_id: event.userId,
        loop_id: newId('loop', now.getTime()),
        character_id: event.characterId,
        sentence: loop.sentence,
        mention: loop.mention,
        due_at: new Date(loop.dueAtMs),
        all_day: loop.allDay,
        source: 'message',
        event_id: event.eventId,
        sentence_index: loop.sentenceIndex,
        status: 'open',
        closed_at: null,
        closed_reason: null,
        closed_note: null,
        created_at: now,
      });
  }
  return rows;
}

/**
 * Stores new loops, in the caller's transaction, and returns the occasions of the follow_up
 * triggers of their characters and the pairs' wakes, for the caller to record with its own
 * (`insertOccasions`, `hintPairs`). A sentence of an event stored before is not stored again,
 * and gets no follow-up.
 */
export async function storeOpenLoops(
  trx: Db,
  tenantId: string,
  loops: readonly OpenLoopRow[],
  triggers: readonly Trigger[],
  now: Date,
) {
  if (loops.length === 0) return { occasions: [], wakes: [] };
  return wakesFromLoops(triggers, await insertOpenLoops(trx, tenantId, loops), now);
}

/** Adds a loop for a user and a character that exist (404 otherwise), with its follow-ups. */
export async function addOpenLoop(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  input: OpenLoopInput,
) {
  const now = ctx.clock.now();
  const row: OpenLoopRow = {
    user_id: userId,
    loop_id: newId('loop', now.getTime()),
    character_id: input.characterId,
    sentence: input.sentence,
    mention: input.mention ?? mentionForSentence(input.sentence),
    due_at: new Date(input.dueAt),
    all_day: input.allDay,
    source: 'api',
    event_id: null,
    sentence_index: null,
    status: 'open',
    closed_at: null,
    closed_reason: null,
    closed_note: null,
    created_at: now,
  };
  const triggers = await ctx.triggers.get(tenantId);
  const { occasions } = await ctx.db.transaction().execute(async (trx) => {
    await mustExist(trx, tenantId, userId, input.characterId);
    const followUps = await storeOpenLoops(trx, tenantId, [row], triggers, now);
    const recorded = await insertOccasions(trx, tenantId, followUps.occasions, now);
    await hintPairs(trx, tenantId, followUps.wakes);
    return { occasions: recorded.length };
  });
  if (occasions > 0) ctx.events.emit('occasions.recorded', { tenantId, count: occasions });
  return openLoopView(row);
}

export async function listOpenLoopPage(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  query: OpenLoopQuery,
) {
  await mustExist(ctx.db, tenantId, userId);
  const rows = await listOpenLoops(ctx.db, tenantId, { userId, ...query });
  return {
    openLoops: rows.map(openLoopView),
    next: rows.length === query.limit ? rows.at(-1)!.loop_id : null,
  };
}

/** Closes an open loop (409 if it is closed already); its pending follow-ups are deleted with it. */
export async function closeOpenLoop(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  loopId: string,
  input: OpenLoopClose,
) {
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findOpenLoop(trx, tenantId, userId, loopId, true);
    if (!row) throw notFound(`open loop "${loopId}" of user "${userId}"`);
    if (row.status === 'closed')
      throw new OvertureError('conflict', `open loop "${loopId}" is closed already (${row.closed_reason})`);
    const note = input?.reason ?? null;
    await closeOpenLoops(trx, tenantId, [{ userId, loopId }], { reason: 'closed_by_api', note, at: now });
    return openLoopView({
      ...row,
      status: 'closed',
      closed_at: now,
      closed_reason: 'closed_by_api',
      closed_note: note,
    });
  });
}

function openLoopView(r: OpenLoopRow) {
  return {
    loopId: r.loop_id,
    userId: r.user_id,
    characterId: r.character_id,
    sentence: r.sentence,
    mention: r.mention,
    dueAt: r.due_at.toISOString(),
    allDay: r.all_day,
    source: r.source,
    eventId: r.event_id,
    status: r.status,
    closedAt: r.closed_at?.toISOString() ?? null,
    closedReason: r.closed_reason,
    closedNote: r.closed_note,
    createdAt: r.created_at.toISOString(),
  };
}
