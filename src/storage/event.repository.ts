import { sql } from 'kysely';
import type { UserActivity } from '../domain/activity/user-activity.js';
import type { PairDelta, UserDelta } from '../domain/signals/activity-delta.js';
import type { EventKind } from '../domain/signals/event-kind.js';
import { packModels } from './activity.repository.js';
import { ACTIVITY_COLUMNS, activityArrays } from './activity-columns.js';
import type { Db } from './schema.js';
import { pairKey } from './user.repository.js';

export interface NewEvent {
  userId: string;
  eventId: string;
  characterId: string;
  kind: EventKind;
  name: string | null;
  at: Date;
  /**
   * The UTC offset the event's timestamp was written with, in minutes (null for `Z` and
   * `+00:00`; `offsetOfTimestamp`): evidence of the user's zone, not stored with the event.
   */
  offsetMinutes?: number | null;
  text: string | null;
  channel: string | null;
  meta: Record<string, unknown> | null;
  /** A feedback or reaction about one proactive message: what it is about and says. */
  feedback: NewFeedback | null;
}

export interface NewFeedback {
  suggestionId: string | null;
  externalId: string | null;
  score: number | null;
  emoji: string | null;
}

/**
 * Inserts the events whose (user, id) is new and returns those keys. Whole columns go as arrays
 * through `unnest`: one statement and a dozen parameters for a batch of any size.
 */
export async function insertNewEvents(
  db: Db,
  tenantId: string,
  events: readonly NewEvent[],
  receivedAt: Date,
): Promise<{ userId: string; eventId: string }[]> {
  if (events.length === 0) return [];
  const { rows } = await sql<{ user_id: string; event_id: string }>`
    insert into events (tenant_id, user_id, event_id, character_id, kind, name, at, received_at, text, channel, meta)
    select ${tenantId}, e.user_id, e.event_id, e.character_id, e.kind, e.name, e.at, ${receivedAt}, e.text, e.channel, e.meta
    from unnest(
      ${events.map((e) => e.userId)}::text[],
      ${events.map((e) => e.eventId)}::text[],
      ${events.map((e) => e.characterId)}::text[],
      ${events.map((e) => e.kind)}::text[],
      ${events.map((e) => e.name)}::text[],
      ${events.map((e) => e.at)}::timestamptz[],
      ${events.map((e) => e.text)}::text[],
      ${events.map((e) => e.channel)}::text[],
      ${events.map((e) => (e.meta === null ? null : JSON.stringify(e.meta)))}::jsonb[]
    ) as e(user_id, event_id, character_id, kind, name, at, text, channel, meta)
    on conflict do nothing
    returning user_id, event_id`.execute(db);
  return rows.map((r) => ({ userId: r.user_id, eventId: r.event_id }));
}

/** Creates the characters not seen before; existing ones are left as they are. */
export async function ensureCharacters(db: Db, tenantId: string, characterIds: readonly string[], now: Date) {
  if (characterIds.length === 0) return;
  await sql`
    insert into characters (tenant_id, character_id, created_at, updated_at)
    select ${tenantId}, c.id, ${now}, ${now} from unnest(${[...characterIds]}::text[]) as c(id)
    on conflict do nothing`.execute(db);
}

/** A user's new activity model, computed from the stored one read at `version` (0: none). */
export interface ActivityWrite {
  model: UserActivity;
  version: number;
}

/**
 * Merges the users' deltas (max/min for instants, sums for counts), creating users on first
 * sight, and writes each user's new activity model in the
 * same row write, but only over the version it was computed from: when another batch wrote the
 * model meanwhile, the model is left alone and the user is missing from `written`, for the
 * caller to recompute from the stored model (the row is then locked). Returns the users whose
 * models were written.
 */
export async function applyUserDeltas(
  db: Db,
  tenantId: string,
  deltas: readonly UserDelta[],
  now: Date,
  activity: ReadonlyMap<string, ActivityWrite> = new Map(),
): Promise<Set<string>> {
  const written = new Set<string>();
  if (deltas.length === 0) return written;
  const writes = deltas.map((d) => activity.get(d.userId));
  const packed = packModels(writes.map((w) => w?.model ?? null));
  // the proposed row carries version + 1: a new user's row starts at 1, and an existing row takes
  // the model only if its version is still the one the model was computed from
  const { rows } = await sql<{ user_id: string; written: boolean }>`
    insert into users as s (tenant_id, user_id, created_at, updated_at, ${columnList()},
                            activity, activity_version, activity_writer)
    select ${tenantId}, d.user_id, ${now}, ${now}, ${columnList('d.')},
           case when d.model_length < 0 then null else substring(${packed.bytes}::bytea from d.model_start for d.model_length) end,
           d.model_version,
           case when d.model_length < 0 then null else pg_current_xact_id() end
    from unnest(
      ${deltas.map((d) => d.userId)}::text[], ${unnestArrays(deltas)},
      ${packed.starts}::int[], ${packed.lengths}::int[], ${writes.map((w) => (w ? w.version + 1 : 0))}::bigint[]
    ) as d(user_id, ${columnList()}, model_start, model_length, model_version)
    on conflict (tenant_id, user_id) do update set ${mergeAssignments()},
      activity = case when ${TAKES_MODEL} then excluded.activity else s.activity end,
      activity_writer = case when ${TAKES_MODEL} then excluded.activity_writer else s.activity_writer end,
      activity_version = case when ${TAKES_MODEL} then excluded.activity_version else s.activity_version end
    returning user_id, activity_writer is not distinct from pg_current_xact_id() as written`.execute(db);
  for (const row of rows) if (row.written) written.add(row.user_id);
  return written;
}

const TAKES_MODEL = sql.raw(
  'excluded.activity is not null and s.activity_version = excluded.activity_version - 1',
);

/** Where a pair's outcomes can take replies (migration 0026); both null when it has none. */
export interface OutcomeSpan {
  from: Date | null;
  until: Date | null;
}

/**
 * Merges the pairs' deltas, creating pairs on first sight; returns the pairs created and, by
 * `pairKey`, each pair's span of outcomes as it is now (read back from the same statement).
 */
export async function applyPairDeltas(
  db: Db,
  tenantId: string,
  deltas: readonly PairDelta[],
  now: Date,
): Promise<{ created: { userId: string; characterId: string }[]; outcomeSpans: Map<string, OutcomeSpan> }> {
  const outcomeSpans = new Map<string, OutcomeSpan>();
  if (deltas.length === 0) return { created: [], outcomeSpans };
  // xmax is 0 on a row the statement inserted, and the updating transaction's id on one it updated
  const { rows } = await sql<{
    user_id: string;
    character_id: string;
    created: boolean;
    outcomes_from: Date | null;
    outcomes_until: Date | null;
  }>`
    insert into user_characters as s (tenant_id, user_id, character_id, created_at, last_inbound_channel, ${columnList()})
    select ${tenantId}, d.user_id, d.character_id, ${now}, d.channel, ${columnList('d.')}
    from unnest(
      ${deltas.map((d) => d.userId)}::text[],
      ${deltas.map((d) => d.characterId)}::text[],
      ${deltas.map((d) => d.lastInboundChannel)}::text[],
      ${unnestArrays(deltas)}
    ) as d(user_id, character_id, channel, ${columnList()})
    on conflict (tenant_id, user_id, character_id) do update set ${mergeAssignments()},
      -- the batch's channel, unless the stored one is from a later message (batches come in any order)
      last_inbound_channel = case
        when excluded.last_inbound_channel is not null
             and (s.last_inbound_at is null or excluded.last_inbound_at >= s.last_inbound_at)
        then excluded.last_inbound_channel else s.last_inbound_channel end
    returning user_id, character_id, (xmax = 0) as created, outcomes_from, outcomes_until`.execute(db);
  for (const r of rows)
    outcomeSpans.set(pairKey(r.user_id, r.character_id), { from: r.outcomes_from, until: r.outcomes_until });
  const created = rows
    .filter((r) => r.created)
    .map((r) => ({ userId: r.user_id, characterId: r.character_id }));
  return { created, outcomeSpans };
}

/** The key of an event in a map or set: its id is unique per user. */
export const eventKey = (userId: string, eventId: string) => `${userId}\u0000${eventId}`;

function columnList(prefix = '') {
  return sql.raw(ACTIVITY_COLUMNS.map((c) => prefix + c).join(', '));
}

function unnestArrays(deltas: readonly (UserDelta | PairDelta)[]) {
  const arrays = activityArrays(deltas);
  return sql.join(
    ACTIVITY_COLUMNS.map(
      (column, i) => sql`${arrays[i]}::${sql.raw(column.endsWith('_at') ? 'timestamptz[]' : 'bigint[]')}`,
    ),
  );
}

function mergeAssignments() {
  return sql.raw(
    ACTIVITY_COLUMNS.map((c) => {
      if (c.endsWith('_count')) return `${c} = s.${c} + excluded.${c}`;
      // least/greatest ignore nulls, so a delta without, say, an inbound message keeps the stored one
      return c === 'first_event_at'
        ? `${c} = least(s.${c}, excluded.${c})`
        : `${c} = greatest(s.${c}, excluded.${c})`;
    }).join(', '),
  );
}

/**
 * The `meta.topics` of the user's messages to and from one character in [since, until], newest
 * first, at most `limit` messages. The walk runs backwards along `events_by_user_time`
 * (tenant, user, at) and stops at `since` or at the limit, so it reads a bounded part of the
 * user's history however long it is; messages without a topics array are skipped on the way.
 */
export async function listRecentTopics(
  db: Db,
  tenantId: string,
  query: { userId: string; characterId: string; since: Date; until: Date; limit: number },
): Promise<{ at: Date; topics: unknown }[]> {
  return db
    .selectFrom('events')
    .select(['at', sql<unknown>`meta -> 'topics'`.as('topics')])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', query.userId)
    .where('at', '>=', query.since)
    .where('at', '<=', query.until)
    .where('character_id', '=', query.characterId)
    .where('kind', 'in', ['message_in', 'message_out'])
    .where(sql<boolean>`jsonb_typeof(meta -> 'topics') = 'array'`)
    .orderBy('at', 'desc')
    .limit(query.limit)
    .execute();
}
