import { sql } from 'kysely';
import type { Db } from './schema.js';

export interface NewOutcome {
  userId: string;
  /** The delivery's id. */
  outcomeId: string;
  characterId: string;
  suggestionId: string | null;
  at: Date;
  windowEndsAt: Date;
}

/**
 * Records messages sent; one already recorded (the same delivery recorded twice) is kept as it is.
 * Widens each pair's span of outcomes (`outcomes_from`, `outcomes_until`) to hold them; the pair's
 * row exists, as the delivery stored its message as an event of the pair first.
 */
export async function insertOutcomes(db: Db, tenantId: string, rows: NewOutcome[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update user_characters p
    set outcomes_from = least(p.outcomes_from, o.at), outcomes_until = greatest(p.outcomes_until, o.ends)
    from (
      select user_id, character_id, min(at) as at, max(ends) as ends
      from unnest(${rows.map((r) => r.userId)}::text[], ${rows.map((r) => r.characterId)}::text[],
        ${rows.map((r) => r.at)}::timestamptz[], ${rows.map((r) => r.windowEndsAt)}::timestamptz[])
        as r(user_id, character_id, at, ends)
      group by user_id, character_id
    ) o
    where p.tenant_id = ${tenantId} and p.user_id = o.user_id and p.character_id = o.character_id`.execute(
    db,
  );
  await db
    .insertInto('outcomes')
    .values(
      rows.map((r) => ({
        tenant_id: tenantId,
        user_id: r.userId,
        outcome_id: r.outcomeId,
        character_id: r.characterId,
        suggestion_id: r.suggestionId,
        at: r.at,
        window_ends_at: r.windowEndsAt,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'outcome_id']).doNothing())
    .execute();
}

/** Where new messages of a pair fall: from the earliest to the latest of them. */
export interface PairSpan {
  userId: string;
  characterId: string;
  from: Date;
  to: Date;
}

/** An outcome whose reply changed: what it is now. */
export interface Reattributed {
  userId: string;
  outcomeId: string;
  characterId: string;
  suggestionId: string | null;
  at: Date;
  windowEndsAt: Date;
  replyEventId: string | null;
  repliedAt: Date | null;
  /** The reply's text, for its meaning. */
  replyText: string | null;
}

/**
 * Works out again the reply of every outcome a new message of its pair may have changed: those
 * whose span [at, end) meets the pair's new messages, where `end` is the next proactive message of
 * the pair or the window's end, whichever is first. The reply is the first `message_in` of the
 * pair in that span (ties by event id), so the result depends on what is stored, not on the order
 * it arrived in. Returns the outcomes whose reply is not the one stored; `writeReplies` stores them.
 *
 * Only outcomes from the last one before the pair's earliest new message (`lo`) to its latest
 * (`to_at`) can change: an earlier one's span ends at its successor, before any new message, and
 * a later one starts after them all. So each pair costs two probes of `outcomes_by_pair_time`
 * (the last outcome before `from_at`, the first after `to_at`), a scan between them (usually one
 * row) and a probe of the events for each outcome whose window reaches `from_at`; the next
 * message of each comes from `lead()` over that same scan, not from a probe per outcome.
 *
 * Run after the users' rows are locked (ingest and delivery both lock them first): a batch for the
 * same user waits, and then sees this one's events.
 */
export async function findChangedReplies(
  db: Db,
  tenantId: string,
  spans: PairSpan[],
): Promise<Reattributed[]> {
  if (spans.length === 0) return [];
  const { rows } = await sql<{
    user_id: string;
    outcome_id: string;
    character_id: string;
    suggestion_id: string | null;
    at: Date;
    window_ends_at: Date;
    reply_event_id: string | null;
    replied_at: Date | null;
    reply_text: string | null;
  }>`
    with span as (
      select * from unnest(
        ${spans.map((s) => s.userId)}::text[], ${spans.map((s) => s.characterId)}::text[],
        ${spans.map((s) => s.from)}::timestamptz[], ${spans.map((s) => s.to)}::timestamptz[]
      ) as s(user_id, character_id, from_at, to_at)
    ),
    -- one span per pair (attribution.ts groups them), so each outcome joins one span at most
    pair as (
      select s.user_id, s.character_id, s.from_at, s.to_at,
        coalesce((
          select max(p.at) from outcomes p
          where p.tenant_id = ${tenantId} and p.user_id = s.user_id and p.character_id = s.character_id
            and p.at < s.from_at
        ), s.from_at) as lo,
        (
          select min(n.at) from outcomes n
          where n.tenant_id = ${tenantId} and n.user_id = s.user_id and n.character_id = s.character_id
            and n.at > s.to_at
        ) as next_at
      from span s
    ),
    -- every outcome of the pair in [lo, to_at], ties at either end included, so that lead() sees
    -- each one's successor; the last one's is the first after to_at
    candidate as (
      select o.user_id, o.outcome_id, o.character_id, o.suggestion_id, o.at, o.window_ends_at,
        o.reply_event_id as old_event_id, p.from_at,
        least(o.window_ends_at, coalesce(
          lead(o.at) over (partition by o.user_id, o.character_id order by o.at, o.outcome_id),
          p.next_at, 'infinity'::timestamptz)) as ends_at
      from pair p
      join outcomes o on o.tenant_id = ${tenantId} and o.user_id = p.user_id
        and o.character_id = p.character_id and o.at >= p.lo and o.at <= p.to_at
    )
    select b.user_id, b.outcome_id, b.character_id, b.suggestion_id, b.at, b.window_ends_at,
      r.event_id as reply_event_id, r.at as replied_at, r.text as reply_text
    from candidate b
    left join lateral (
      select e.event_id, e.at, e.text from events e
      where e.tenant_id = ${tenantId} and e.user_id = b.user_id and e.character_id = b.character_id
        and e.kind = 'message_in' and e.at >= b.at and e.at < b.ends_at
      order by e.at, e.event_id
      limit 1
    ) r on true
    -- a window that ended before the earliest new message: neither its reply nor its end can change
    where b.window_ends_at > b.from_at and r.event_id is distinct from b.old_event_id
    order by b.user_id, b.outcome_id`.execute(db);
  return rows.map((r) => ({
    userId: r.user_id,
    outcomeId: r.outcome_id,
    characterId: r.character_id,
    suggestionId: r.suggestion_id,
    at: r.at,
    windowEndsAt: r.window_ends_at,
    replyEventId: r.reply_event_id,
    repliedAt: r.replied_at,
    replyText: r.reply_text,
  }));
}

/** Stores outcomes' replies (null: none now) with what each means, in one statement. */
export async function writeReplies(
  db: Db,
  tenantId: string,
  replies: readonly {
    userId: string;
    outcomeId: string;
    replyEventId: string | null;
    repliedAt: Date | null;
    meaning: string | null;
    cue: string | null;
  }[],
  now: Date,
): Promise<void> {
  if (replies.length === 0) return;
  await sql`
    update outcomes o
    set reply_event_id = r.event_id, replied_at = r.replied_at, meaning = r.meaning, meaning_cue = r.cue,
      updated_at = ${now}
    from unnest(${replies.map((r) => r.userId)}::text[], ${replies.map((r) => r.outcomeId)}::text[],
      ${replies.map((r) => r.replyEventId)}::text[], ${replies.map((r) => r.repliedAt)}::timestamptz[],
      ${replies.map((r) => r.meaning)}::text[], ${replies.map((r) => r.cue)}::text[])
      as r(user_id, outcome_id, event_id, replied_at, meaning, cue)
    where o.tenant_id = ${tenantId} and o.user_id = r.user_id and o.outcome_id = r.outcome_id`.execute(db);
}

export type OutcomeRow = Awaited<ReturnType<typeof outcomesOfSuggestions>>[number];

/** The outcomes of a tenant's suggestions that were sent. */
export async function outcomesOfSuggestions(
  db: Db,
  tenantId: string,
  suggestions: readonly { userId: string; suggestionId: string }[],
) {
  if (suggestions.length === 0) return [];
  return db
    .selectFrom('outcomes')
    .select(['suggestion_id', 'at', 'window_ends_at', 'replied_at', 'reply_event_id', 'meaning'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or(
        suggestions.map((s) =>
          eb.and([eb('user_id', '=', s.userId), eb('suggestion_id', '=', s.suggestionId)]),
        ),
      ),
    )
    .execute();
}
