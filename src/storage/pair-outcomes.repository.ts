import { sql } from 'kysely';
import type { PairFeedback, PairOutcome } from '../domain/outcomes/standing.js';
import { epochMs, fromEpochMs } from './codecs/epoch-ms.js';
import type { Db } from './schema.js';

/** A pair's outcomes and feedback since an instant, keyed `user\u0000character`. */
export interface PairHistory {
  outcomes: PairOutcome[];
  feedback: PairFeedback[];
}

const key = (userId: string, characterId: string) => `${userId}\u0000${characterId}`;

/**
 * The outcomes and feedback of each pair since `since`, for a batch: two statements, each a probe
 * per pair (outcomes through `outcomes_by_pair_time`) or per user (feedback through its primary
 * key), times as epoch milliseconds. Pairs with neither are absent.
 */
export async function readPairHistories(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
  since: Date,
): Promise<Map<string, PairHistory>> {
  const histories = new Map<string, PairHistory>();
  if (pairs.length === 0) return histories;
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
      select k.user_id, k.character_id, o.at, o.window_ends_at, o.replied_at, o.meaning
      from unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.characterId)}::text[])
           as k(user_id, character_id)
      cross join lateral (
        select ${epochMs('at')} as at, ${epochMs('window_ends_at')} as window_ends_at,
               ${epochMs('replied_at')} as replied_at, meaning
        from outcomes
        where tenant_id = ${tenantId} and user_id = k.user_id and character_id = k.character_id
          and at >= ${since}
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
    const k = key(userId, characterId);
    let h = histories.get(k);
    if (!h) {
      h = { outcomes: [], feedback: [] };
      histories.set(k, h);
    }
    return h;
  };
  for (const r of outcomes.rows)
    historyOf(r.user_id, r.character_id).outcomes.push({
      atMs: Number(r.at),
      windowEndsAtMs: Number(r.window_ends_at),
      repliedAtMs: fromEpochMs(r.replied_at),
      meaning: r.meaning,
    });
  for (const r of feedback.rows)
    historyOf(r.user_id, r.character_id).feedback.push({
      atMs: Number(r.at),
      score: r.score === null ? null : Number(r.score),
    });
  return histories;
}

/** The history of one pair in `readPairHistories`' answer (empty when it has none). */
export function historyOfPair(histories: Map<string, PairHistory>, userId: string, characterId: string) {
  return histories.get(key(userId, characterId)) ?? { outcomes: [], feedback: [] };
}
