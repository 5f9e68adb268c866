import { type Selectable, sql } from 'kysely';
import type { Db } from './database.js';
import type { OpenLoopsTable } from './schema.js';

export type OpenLoopRow = Omit<Selectable<OpenLoopsTable>, 'tenant_id'>;
export type CloseReason = NonNullable<OpenLoopRow['closed_reason']>;

/** Stores loops; one of an event's sentences stored before is left as it was. Returns those inserted. */
export async function insertOpenLoops(db: Db, tenantId: string, loops: readonly OpenLoopRow[]) {
  if (loops.length === 0) return [];
  const rows = await db
    .insertInto('open_loops')
    .values(loops.map((l) => ({ tenant_id: tenantId, ...l })))
    .onConflict((oc) => oc.doNothing())
    .returning('loop_id')
    .execute();
  const inserted = new Set(rows.map((r) => r.loop_id));
  return loops.filter((l) => inserted.has(l.loop_id));
}

/** A page of a user's loops, latest due first; `before` is the last loop id of the previous page. */
export async function listOpenLoops(
  db: Db,
  tenantId: string,
  filter: {
    userId: string;
    status?: 'open' | 'closed';
    characterId?: string;
    before?: string;
    limit: number;
  },
): Promise<OpenLoopRow[]> {
  let query = db
    .selectFrom('open_loops')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', filter.userId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.characterId !== undefined) query = query.where('character_id', '=', filter.characterId);
  const before = filter.before;
  if (before !== undefined)
    // after the cursor's row in (due_at, loop_id) order; an unknown cursor gives an empty page
    query = query.where(
      (eb) => eb.refTuple('due_at', 'loop_id'),
      '<',
      (eb) =>
        eb
          .selectFrom('open_loops as c')
          .select(['c.due_at', 'c.loop_id'])
          .where('c.tenant_id', '=', tenantId)
          .where('c.user_id', '=', filter.userId)
          .where('c.loop_id', '=', before)
          .$asTuple('due_at', 'loop_id'),
    );
  return query.orderBy('due_at', 'desc').orderBy('loop_id', 'desc').limit(filter.limit).execute();
}

export async function findOpenLoop(db: Db, tenantId: string, userId: string, loopId: string, lock = false) {
  let query = db
    .selectFrom('open_loops')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('loop_id', '=', loopId);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Closes the loops that are still open and deletes every occasion recorded to follow them up
 * (`loop:<id>`, of any trigger), so none is sent after. Returns the ids closed.
 */
export async function closeOpenLoops(
  db: Db,
  tenantId: string,
  loops: readonly { userId: string; loopId: string }[],
  closing: { reason: CloseReason; note: string | null; at: Date },
): Promise<string[]> {
  if (loops.length === 0) return [];
  const users = loops.map((l) => l.userId);
  const ids = loops.map((l) => l.loopId);
  const { rows } = await sql<{ loop_id: string }>`
    update open_loops l
    set status = 'closed', closed_at = ${closing.at}, closed_reason = ${closing.reason}, closed_note = ${closing.note}
    from unnest(${users}::text[], ${ids}::text[]) as k(user_id, loop_id)
    where l.tenant_id = ${tenantId} and l.user_id = k.user_id and l.loop_id = k.loop_id and l.status = 'open'
    returning l.loop_id`.execute(db);
  await sql`
    delete from occasions o
    using unnest(${users}::text[], ${ids.map((id) => `loop:${id}`)}::text[]) as k(user_id, occasion_key)
    where o.tenant_id = ${tenantId} and o.user_id = k.user_id and o.occasion_key = k.occasion_key`.execute(
    db,
  );
  return rows.map((r) => r.loop_id);
}

/**
 * Closes as expired the open loops whose follow-up occasions all expired unused (at most
 * `limit` a call); the retention job deletes those occasions afterwards. Found through the
 * occasions' BRIN index on expiry, as that job finds them. A backlog beyond `limit` loops (the
 * job deletes at most as many occasions a call) can leave a loop open whose occasion went: it
 * stays open, as a loop without a follow_up trigger does.
 */
export async function expireOpenLoops(db: Db, tenantId: string, now: Date, limit: number): Promise<number> {
  const { rows } = await sql`
    update open_loops l
    set status = 'closed', closed_at = ${now}, closed_reason = 'expired'
    from (
      select distinct user_id, substr(occasion_key, 6) as loop_id from occasions
      where tenant_id = ${tenantId} and expires_at < ${now} and occasion_key like 'loop:%'
      limit ${limit}
    ) e
    where l.tenant_id = ${tenantId} and l.user_id = e.user_id and l.loop_id = e.loop_id and l.status = 'open'
      and not exists (
        select 1 from occasions p
        where p.tenant_id = ${tenantId} and p.user_id = e.user_id
          and p.occasion_key = 'loop:' || e.loop_id and p.expires_at >= ${now})
    returning 1`.execute(db);
  return rows.length;
}
