import { type Selectable, sql } from 'kysely';

import type { Db, OpenLoopsTable } from './schema.js';

export type OpenLoopRow = Omit<Selectable<OpenLoopsTable>, 'tenant_id'>;
type CloseReason = NonNullable<OpenLoopRow['closed_reason']>;

/**
 * Stores loops; one of an event's sentences stored before is left as it was. Returns those
 * inserted. One statement over arrays, as ingest's other writes are: a row per parameter list
 * cost the driver an escaped parameter per column and row.
 */
export async function insertOpenLoops(db: Db, tenantId: string, loops: readonly OpenLoopRow[]) {
  if (loops.length === 0) return [];
  const column = <K extends keyof OpenLoopRow>(key: K) => loops.map((l) => l[key]);
  const { rows } = await sql<{ loop_id: string }>`
    insert into open_loops (tenant_id, user_id, loop_id, character_id, sentence, mention, due_at, all_day,
      source, event_id, sentence_index, status, closed_at, closed_reason, closed_note, created_at)
    select ${tenantId}, l.* from unnest(
      ${column('user_id')}::text[], ${column('loop_id')}::text[], ${column('character_id')}::text[],
      ${column('sentence')}::text[], ${column('mention')}::text[], ${column('due_at')}::timestamptz[],
      ${column('all_day')}::boolean[], ${column('source')}::text[], ${column('event_id')}::text[],
      ${column('sentence_index')}::integer[], ${column('status')}::text[], ${column('closed_at')}::timestamptz[],
      ${column('closed_reason')}::text[], ${column('closed_note')}::text[], ${column('created_at')}::timestamptz[]
    ) as l
    on conflict do nothing
    returning loop_id`.execute(db);
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

/** The loops of these (user, loop id) pairs that exist, whatever their status, in one statement. */
export async function findOpenLoops(
  db: Db,
  tenantId: string,
  loops: readonly { userId: string; loopId: string }[],
): Promise<OpenLoopRow[]> {
  if (loops.length === 0) return [];
  const { rows } = await sql<OpenLoopRow>`
    select l.user_id, l.loop_id, l.character_id, l.sentence, l.mention, l.due_at, l.all_day, l.source,
      l.event_id, l.sentence_index, l.status, l.closed_at, l.closed_reason, l.closed_note, l.created_at
    from open_loops l
    join unnest(${loops.map((l) => l.userId)}::text[], ${loops.map((l) => l.loopId)}::text[]) as k(user_id, loop_id)
      on l.tenant_id = ${tenantId} and l.user_id = k.user_id and l.loop_id = k.loop_id`.execute(db);
  return rows;
}

/**
 * Locks the loops that are still open among those given and returns their keys
 * (`${userId}\u0000${loopId}`): a loop closed meanwhile (through the API) is not followed up.
 */
export async function lockOpenLoops(
  db: Db,
  tenantId: string,
  loops: readonly { userId: string; loopId: string }[],
): Promise<Set<string>> {
  if (loops.length === 0) return new Set();
  const { rows } = await sql<{ user_id: string; loop_id: string }>`
    select l.user_id, l.loop_id from open_loops l
    join unnest(${loops.map((l) => l.userId)}::text[], ${loops.map((l) => l.loopId)}::text[]) as k(user_id, loop_id)
      on l.tenant_id = ${tenantId} and l.user_id = k.user_id and l.loop_id = k.loop_id
    where l.status = 'open'
    order by l.user_id, l.loop_id
    for update of l`.execute(db);
  return new Set(rows.map((r) => loopKey(r.user_id, r.loop_id)));
}

export const loopKey = (userId: string, loopId: string) => `${userId}\u0000${loopId}`;

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
  const { rows } = await sql<{ loop_id: string }>`
    update open_loops l
    set status = 'closed', closed_at = ${closing.at}, closed_reason = ${closing.reason}, closed_note = ${closing.note}
    from unnest(${loops.map((l) => l.userId)}::text[], ${loops.map((l) => l.loopId)}::text[]) as k(user_id, loop_id)
    where l.tenant_id = ${tenantId} and l.user_id = k.user_id and l.loop_id = k.loop_id and l.status = 'open'
    returning l.loop_id`.execute(db);
  await deleteLoopOccasions(db, tenantId, loops);
  return rows.map((r) => r.loop_id);
}

/** Deletes the occasions recorded to follow these loops up (`loop:<id>`, of any trigger). */
export async function deleteLoopOccasions(
  db: Db,
  tenantId: string,
  loops: readonly { userId: string; loopId: string }[],
): Promise<void> {
  if (loops.length === 0) return;
  await sql`
    delete from occasions o
    using unnest(${loops.map((l) => l.userId)}::text[], ${loops.map((l) => `loop:${l.loopId}`)}::text[])
      as k(user_id, occasion_key)
    where o.tenant_id = ${tenantId} and o.user_id = k.user_id and o.occasion_key = k.occasion_key`.execute(
    db,
  );
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
