import { sql } from 'kysely';
import type { PairFeedback, PairOutcome } from '../domain/outcomes/standing.js';
import { epochMs, fromEpochMs } from './codecs/epoch-ms.js';
import type { Db } from './schema.js';
import { pairKey } from './user.repository.js';

/** A pair's outcomes and feedback since an instant. */
export interface PairHistory {
  outcomes: PairOutcome[];
  feedback: PairFeedback[];
}

/** `readPairHistories`' answer: each pair's history, and each user's outcomes with every character. */
export interface PairHistories {
  pairs: Map<string, PairHistory>;
  users: Map<string, PairOutcome[]>;
}

/**
 * The outcomes and feedback of the pairs' users since `since`, with every character, for a batch:
 * two statements, each a probe per user (outcomes through `outcomes_by_pair_time`, feedback
 * through its primary key), times as epoch milliseconds.
 */
export async function readPairHistories(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
  since: Date,
): Promise<PairHistories> {
  const histories = new Map<string, PairHistory>();
  const byUser = new Map<string, PairOutcome[]>();
  if (pairs.length === 0) return { pairs: histories, users: byUser };
  const users = [...new Set(pairs.map((p) => p.userId))];
  const [outcomes, feedback] = await Promise.all([
    sql<{
      user_id: string;
      character_id: string;
      at: string;
      window_ends_at: string;
      replied_at: string | null;
      meaning: PairOutcome['meaning'];
    }>`
      select k.user_id, o.character_id, o.at, o.window_ends_at, o.replied_at, o.meaning
      from unnest(${users}::text[]) as k(user_id)
      cross join lateral (
        select character_id, ${epochMs('at')} as at, ${epochMs('window_ends_at')} as window_ends_at,
               ${epochMs('replied_at')} as replied_at, meaning
        from outcomes
        where tenant_id = ${tenantId} and user_id = k.user_id and at >= ${since}
      ) as o`.execute(db),
    sql<{ user_id: string; character_id: string; at: string; score: number | null }>`
      select f.user_id, f.character_id, f.at, f.score
      from unnest(${users}::text[]) as k(user_id)
      cross join lateral (
        select user_id, character_id, ${epochMs('at')} as at, score from feedback
        where tenant_id = ${tenantId} and user_id = k.user_id and at >= ${since}
      ) as f`.execute(db),
  ]);
  const historyOf = (userId: string, characterId: string) => {
    const k = pairKey(userId, characterId);
    let h = histories.get(k);
    if (!h) {
      h = { outcomes: [], feedback: [] };
      histories.set(k, h);
    }
    return h;
  };
  for (const r of outcomes.rows) {
    const outcome: PairOutcome = {
      atMs: Number(r.at),
      windowEndsAtMs: Number(r.window_ends_at),
      repliedAtMs: fromEpochMs(r.replied_at),
      meaning: r.meaning,
    };
    historyOf(r.user_id, r.character_id).outcomes.push(outcome);
    const ofUser = byUser.get(r.user_id);
    if (ofUser) ofUser.push(outcome);
    else byUser.set(r.user_id, [outcome]);
  }
  for (const r of feedback.rows)
    historyOf(r.user_id, r.character_id).feedback.push({
      atMs: Number(r.at),
      score: r.score === null ? null : Number(r.score),
    });
  return { pairs: histories, users: byUser };
}

const NO_HISTORY: PairHistory = { outcomes: [], feedback: [] };

/** The history of one pair in `readPairHistories`' answer (empty when it has none), and its user's outcomes with every character. */
export function historyOfPair(histories: PairHistories, userId: string, characterId: string) {
  const pair = histories.pairs.get(pairKey(userId, characterId)) ?? NO_HISTORY;
  return { ...pair, userOutcomes: histories.users.get(userId) ?? [] };
}

/** A conversation starts when the user writes after this long without a message either way. */
const CONVERSATION_GAP = '3 hours';
/** The most conversation starts read per pair (the latest); older ones weigh nothing after decay. */
const INITIATIONS_READ = 100;

/**
 * The instants since `since` at which each user started a conversation with the character: a
 * `message_in` with no message of the pair, either way, in the CONVERSATION_GAP before it (so a
 * reply to a proactive message is not one; of messages at one instant, the first by id). A probe per pair through `events_by_user_time`.
 */
export async function readInitiations(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
  since: Date,
): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  if (pairs.length === 0) return found;
  const { rows } = await sql<{ user_id: string; character_id: string; at: string }>`
    select k.user_id, k.character_id, m.at
    from unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.characterId)}::text[])
         as k(user_id, character_id)
    cross join lateral (
      select ${epochMs('e.at')} as at from events e
      where e.tenant_id = ${tenantId} and e.user_id = k.user_id and e.at >= ${since}
        and e.character_id = k.character_id and e.kind = 'message_in'
        and not exists (
          select 1 from events p
          where p.tenant_id = ${tenantId} and p.user_id = k.user_id
            and p.at <= e.at and p.at >= e.at - ${CONVERSATION_GAP}::interval
            and (p.at < e.at or p.event_id < e.event_id)
            and p.character_id = k.character_id and p.kind in ('message_in', 'message_out')
        )
      order by e.at desc limit ${INITIATIONS_READ}
    ) as m`.execute(db);
  for (const r of rows) {
    const k = pairKey(r.user_id, r.character_id);
    const list = found.get(k);
    if (list) list.push(Number(r.at));
    else found.set(k, [Number(r.at)]);
  }
  return found;
}

/** The initiations of one pair in `readInitiations`' answer. */
export function initiationsOfPair(found: Map<string, number[]>, userId: string, characterId: string) {
  return found.get(pairKey(userId, characterId)) ?? [];
}

/** A held-out decision whose outcome is asked: the pair and the window after it. */
export interface WindowProbe {
  userId: string;
  characterId: string;
  from: Date;
  until: Date;
}

/**
 * For each probe, the user's first `message_in` to the character after `from` and at or before
 * `until`, or none: a probe per pair through `events_by_user_time`. Answered in the probes' order.
 */
export async function firstMessagesIn(
  db: Db,
  tenantId: string,
  probes: readonly WindowProbe[],
): Promise<({ eventId: string; atMs: number } | null)[]> {
  if (probes.length === 0) return [];
  const { rows } = await sql<{ n: number; event_id: string | null; at: string | null }>`
    select k.n, m.event_id, m.at
    from unnest(${probes.map((p) => p.userId)}::text[], ${probes.map((p) => p.characterId)}::text[],
                ${probes.map((p) => p.from)}::timestamptz[], ${probes.map((p) => p.until)}::timestamptz[])
         with ordinality as k(user_id, character_id, from_at, until_at, n)
    left join lateral (
      select e.event_id, ${epochMs('e.at')} as at from events e
      where e.tenant_id = ${tenantId} and e.user_id = k.user_id and e.at > k.from_at and e.at <= k.until_at
        and e.character_id = k.character_id and e.kind = 'message_in'
      order by e.at, e.event_id
      limit 1
    ) as m on true
    order by k.n`.execute(db);
  return rows.map((r) => (r.event_id === null ? null : { eventId: r.event_id, atMs: Number(r.at) }));
}
