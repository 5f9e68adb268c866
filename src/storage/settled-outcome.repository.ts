import { sql } from 'kysely';
import type { Reattributed } from './outcome.repository.js';
import type { Db } from './schema.js';

/** An outcome the settling pass stamped: what `outcome.recorded` says of it. */
export interface SettledOutcome extends Reattributed {
  tenantId: string;
}

/**
 * Stamps `settled_at` on up to `limit` outcomes whose window has passed by `now` and that no
 * pass settled yet, oldest window first: per tenant a probe of `outcomes_unsettled` in window
 * order, then the oldest of those, each row locked (SKIP LOCKED: instances share the work). Returns
 * them, with their replies as stored.
 */
export async function settleOutcomes(db: Db, now: Date, limit: number): Promise<SettledOutcome[]> {
  const { rows } = await sql<{
    tenant_id: string;
    user_id: string;
    outcome_id: string;
    character_id: string;
    suggestion_id: string | null;
    at: Date;
    window_ends_at: Date;
    reply_event_id: string | null;
    replied_at: Date | null;
  }>`
    update outcomes o set settled_at = ${now}
    from (
      select s.row_id from tenants t
      cross join lateral (
        select x.ctid as row_id, x.window_ends_at from outcomes x
        where x.tenant_id = t.tenant_id and x.settled_at is null and x.window_ends_at <= ${now}
        order by x.window_ends_at
        limit ${limit}
        for update skip locked
      ) as s
      order by s.window_ends_at
      limit ${limit}
    ) as due
    where o.ctid = due.row_id
    returning o.tenant_id, o.user_id, o.outcome_id, o.character_id, o.suggestion_id, o.at,
              o.window_ends_at, o.reply_event_id, o.replied_at`.execute(db);
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    userId: r.user_id,
    outcomeId: r.outcome_id,
    characterId: r.character_id,
    suggestionId: r.suggestion_id,
    at: new Date(r.at),
    windowEndsAt: new Date(r.window_ends_at),
    replyEventId: r.reply_event_id,
    repliedAt: r.replied_at === null ? null : new Date(r.replied_at),
    replyText: null,
  }));
}
