import { sql } from 'kysely';
import type { Db } from './schema.js';
import { pairKey } from './user.repository.js';

/** A (user, character) pair of one tenant. */
interface PairKey {
  tenantId: string;
  userId: string;
  characterId: string;
}

/** A pair and an instant: when it should be decided (again). */
export interface PairWake {
  userId: string;
  characterId: string;
  at: Date;
}

const byPair = (a: { userId: string; characterId: string }, b: { userId: string; characterId: string }) =>
  a.userId < b.userId
    ? -1
    : a.userId > b.userId
      ? 1
      : a.characterId < b.characterId
        ? -1
        : a.characterId > b.characterId
          ? 1
          : 0;

/**
 * Moves a pair's due time to `at` if earlier. A claimed pair keeps its due time (its lease keeps
 * any other instance off it meanwhile) and the request waits in `hint_at`, which the claimer's
 * completion honours.
 */
function claimAware(at: ReturnType<typeof sql>) {
  return sql`next_due_at = case when p.claim_token is null then least(p.next_due_at, ${at}) else p.next_due_at end,
    hint_at = case when p.claim_token is null then p.hint_at else least(p.hint_at, ${at}) end`;
}

/**
 * Asks for pairs to be decided no later than the given instants: creates their schedule rows on
 * first sight, and only ever moves a due time earlier (see `claimAware`). Rows are written in
 * (user, character) order of the database's collation, as every other writer of this table
 * does, so writers never deadlock.
 */
export async function hintPairs(db: Db, tenantId: string, wakes: readonly PairWake[]): Promise<void> {
  if (wakes.length === 0) return;
  const earliest = new Map<string, PairWake>();
  for (const w of wakes) {
    const key = pairKey(w.userId, w.characterId);
    const seen = earliest.get(key);
    if (!seen || w.at < seen.at) earliest.set(key, w);
  }
  const rows = [...earliest.values()].sort(byPair);
  await sql`
    insert into pair_schedules as p (tenant_id, user_id, character_id, next_due_at)
    select ${tenantId}, h.user_id, h.character_id, h.at
    from unnest(${rows.map((r) => r.userId)}::text[], ${rows.map((r) => r.characterId)}::text[],
                ${rows.map((r) => r.at)}::timestamptz[]) as h(user_id, character_id, at)
    order by h.user_id, h.character_id
    on conflict (tenant_id, user_id, character_id) do update
      set ${claimAware(sql`excluded.next_due_at`)}
      where p.next_due_at is null or p.next_due_at > excluded.next_due_at or p.claim_token is not null`.execute(
    db,
  );
}

/**
 * Claims up to `limit` pairs due at `now`, of tenants whose policy allows proactive messages (a
 * paused tenant's pairs wait, so turning `allowProactive` off stops the work at once on every
 * instance). One statement: per tenant, an index probe on (tenant_id, next_due_at) with
 * `FOR UPDATE SKIP LOCKED`, so instances never claim the same pair and never wait on each other.
 * A claimed pair keeps its due time and gets a lease: if the claimer dies, the pair is claimable
 * again when the lease ends, by any instance. Claimed pairs still in flight are skipped by the
 * lease test: a few batches' worth of rows per claim. The rows locked are updated by their row
 * ids (`ctid = any(...)`, a TID scan): joined back by key, the planner hashed the whole table.
 */
export async function claimDuePairs(
  db: Db,
  claim: { now: Date; leaseUntil: Date; token: string; limit: number },
): Promise<PairKey[]> {
  const { rows } = await sql<{ tenant_id: string; user_id: string; character_id: string }>`
    update pair_schedules p
    set lease_until = ${claim.leaseUntil}, claim_token = ${claim.token}, hint_at = null
    where p.ctid = any (array(
      select s.row_id
      from tenants t
      left join policies pol on pol.tenant_id = t.tenant_id
      cross join lateral (
        select p.ctid as row_id
        from pair_schedules p
        where p.tenant_id = t.tenant_id and p.next_due_at <= ${claim.now}
          and (p.lease_until is null or p.lease_until <= ${claim.now})
        order by p.next_due_at
        limit ${claim.limit}
        for update of p skip locked
      ) s
      where coalesce((pol.settings ->> 'allowProactive')::boolean, false)
      limit ${claim.limit}
    ))
    returning p.tenant_id, p.user_id, p.character_id`.execute(db);
  return rows.map((r) => ({ tenantId: r.tenant_id, userId: r.user_id, characterId: r.character_id }));
}

/**
 * Ends a claim (inside the caller's transaction, which keeps the rows locked between its two
 * statements): each pair's next due time is the one computed, or what was asked for meanwhile
 * (an occasion recorded, a re-arm: `hint_at`) if earlier. Pairs whose claim another instance
 * took over (the lease ran out) are left to it. Returns how many claims it ended.
 */
export async function completePairs(
  db: Db,
  tenantId: string,
  token: string,
  results: readonly { userId: string; characterId: string; next: Date | null }[],
  now: Date,
): Promise<number> {
  if (results.length === 0) return 0;
  const rows = [...results].sort(byPair);
  // First each pair is found by its primary key (lateral, limit 1: the planner cannot turn it
  // into a scan of the table, which it did for the claim token it takes for rare) and locked, in
  // key order as the other writers lock them.
  const { rows: locked } = await sql<{ row_id: string; next_at: Date | null }>`
    select s.row_id::text, k.next_at
    from (
      select * from json_to_recordset(${JSON.stringify(
        rows.map((r) => ({ user_id: r.userId, character_id: r.characterId, next_at: r.next })),
      )}::json) as k(user_id text, character_id text, next_at timestamptz)
      order by user_id, character_id
    ) k
    cross join lateral (
      select ctid as row_id from pair_schedules
      where tenant_id = ${tenantId} and user_id = k.user_id and character_id = k.character_id
        and claim_token = ${token}
      limit 1 for update
    ) s`.execute(db);
  if (locked.length === 0) return 0;
  // Then, in a statement of its own, each is updated by row id (the `any` makes it a TID scan;
  // joined back on keys, the planner hashed the whole table). Not in the same statement: a row
  // that another transaction wrote while this one waited for its lock (ingest or a webhook call
  // asking for the pair, the usual case while it is claimed) is locked in its new version, which
  // the statement's snapshot, taken before, does not see; the update then found no row, and the
  // claim stayed until its lease ran out, a minute with the pair's new occasion undecided. The
  // next statement's snapshot sees it, and the lock keeps it as it is.
  const updated = await sql`
    update pair_schedules p
    set next_due_at = least(l.next_at, p.hint_at), hint_at = null, claim_token = null, lease_until = null,
        decided_at = ${now}
    from json_to_recordset(${JSON.stringify(locked)}::json) as l(row_id tid, next_at timestamptz)
    where p.ctid = l.row_id and p.ctid = any (${locked.map((l) => l.row_id)}::tid[])`.execute(db);
  return Number(updated.numAffectedRows ?? 0n);
}

/** Makes some pairs of a tenant due at `at` at the latest: a user's, or one pair. */
export async function rearmPairs(
  db: Db,
  tenantId: string,
  at: Date,
  where: { userId: string; characterId?: string },
): Promise<void> {
  await sql`
    update pair_schedules p
    set ${claimAware(sql`${at}::timestamptz`)}
    where tenant_id = ${tenantId} and user_id = ${where.userId}
      ${where.characterId === undefined ? sql`` : sql`and character_id = ${where.characterId}`}`.execute(db);
}

/**
 * Asks for every pair of the tenant to be decided again (policy, trigger or character changed),
 * in the caller's transaction, and counts the request in `rearm_version`: a cache of the
 * tenant's triggers read before it is then known to be stale (`readRearmVersion`).
 */
export async function requestTenantRearm(db: Db, tenantId: string, at: Date): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ rearm_at: at, rearm_user: null, rearm_character: null, rearm_version: sql`rearm_version + 1` })
    .where('tenant_id', '=', tenantId)
    .execute();
}

/** How many re-arms the tenant has had requested (0 for a tenant that is gone). */
export async function readRearmVersion(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('tenants')
    .select('rearm_version')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row ? Number(row.rearm_version) : 0;
}

/**
 * Re-arms the next chunk of one tenant whose re-arm is pending: its pairs after the cursor, in
 * key order, become due at the time of the request at the latest. The tenant's row is locked
 * (SKIP LOCKED) so each chunk is done by one instance; the cursor moves in the same
 * transaction, so a crash repeats at most one chunk. Returns false when no re-arm is pending.
 */
export async function rearmNextChunk(db: Db, chunk: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const tenant = await sql<{
      tenant_id: string;
      rearm_at: Date;
      rearm_user: string | null;
      rearm_character: string | null;
    }>`
      select tenant_id, rearm_at, rearm_user, rearm_character from tenants
      where rearm_at is not null limit 1 for update skip locked`.execute(trx);
    const t = tenant.rows[0];
    if (!t) return false;
    const after =
      t.rearm_user === null
        ? sql``
        : sql`and (user_id, character_id) > (${t.rearm_user}, ${t.rearm_character})`;
    const { rows } = await sql<{ user_id: string; character_id: string }>`
      with chunk as (
        select user_id, character_id from pair_schedules
        where tenant_id = ${t.tenant_id} ${after}
        order by user_id, character_id limit ${chunk}
        for update
      )
      update pair_schedules p
      set ${claimAware(sql`${t.rearm_at}::timestamptz`)}
      from chunk
      where p.tenant_id = ${t.tenant_id} and p.user_id = chunk.user_id and p.character_id = chunk.character_id
      returning p.user_id, p.character_id`.execute(trx);
    // the cursor is the chunk's last key in the database's order, which is the order it was taken in
    const last = rows.length < chunk ? null : await lastKey(trx, rows);
    await trx
      .updateTable('tenants')
      .set(
        last
          ? { rearm_user: last.userId, rearm_character: last.characterId }
          : { rearm_at: null, rearm_user: null, rearm_character: null },
      )
      .where('tenant_id', '=', t.tenant_id)
      .execute();
    return true;
  });
}

async function lastKey(db: Db, rows: readonly { user_id: string; character_id: string }[]) {
  const { rows: last } = await sql<{ user_id: string; character_id: string }>`
    select user_id, character_id from unnest(${rows.map((r) => r.user_id)}::text[], ${rows.map((r) => r.character_id)}::text[])
      as k(user_id, character_id)
    order by user_id desc, character_id desc limit 1`.execute(db);
  return { userId: last[0]!.user_id, characterId: last[0]!.character_id };
}
