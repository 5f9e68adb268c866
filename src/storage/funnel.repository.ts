import { type Selectable, sql } from 'kysely';
import type { FunnelEventsTable, FunnelRunsTable } from './funnel-tables.js';
import type { Db } from './schema.js';

export type FunnelRunRow = Omit<Selectable<FunnelRunsTable>, 'tenant_id'>;

/** A funnel at one version, as stored: the definition is the template without its id and name. */
export interface StoredFunnel {
  funnelId: string;
  name: string;
  version: number;
  definition: Record<string, unknown>;
  deleted: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Stores a new funnel at version 1; null when the id is taken (even by a deleted one). */
export async function insertFunnel(
  db: Db,
  tenantId: string,
  f: { funnelId: string; name: string; definition: Record<string, unknown> },
  now: Date,
): Promise<StoredFunnel | null> {
  const row = await db
    .insertInto('funnels')
    .values({
      tenant_id: tenantId,
      funnel_id: f.funnelId,
      name: f.name,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(['created_at'])
    .executeTakeFirst();
  if (!row) return null;
  await insertVersion(db, tenantId, f.funnelId, 1, f.definition, now);
  return { ...f, version: 1, deleted: false, createdAt: now, updatedAt: now };
}

/** Replaces a funnel that is not deleted with a new version; null when there is none. */
export async function replaceFunnel(
  db: Db,
  tenantId: string,
  f: { funnelId: string; name: string; definition: Record<string, unknown> },
  now: Date,
): Promise<StoredFunnel | null> {
  const row = await db
    .updateTable('funnels')
    .set((eb) => ({ name: f.name, version: eb('version', '+', 1), updated_at: now }))
    .where('tenant_id', '=', tenantId)
    .where('funnel_id', '=', f.funnelId)
    .where('deleted_at', 'is', null)
    .returning(['version', 'created_at'])
    .executeTakeFirst();
  if (!row) return null;
  await insertVersion(db, tenantId, f.funnelId, row.version, f.definition, now);
  return { ...f, version: row.version, deleted: false, createdAt: row.created_at, updatedAt: now };
}

async function insertVersion(
  db: Db,
  tenantId: string,
  funnelId: string,
  version: number,
  definition: Record<string, unknown>,
  now: Date,
) {
  await db
    .insertInto('funnel_versions')
    .values({
      tenant_id: tenantId,
      funnel_id: funnelId,
      version,
      definition: JSON.stringify(definition),
      created_at: now,
    })
    .execute();
}

/** Marks a funnel deleted: it starts no more runs; those under way end on their version. */
export async function deleteFunnel(db: Db, tenantId: string, funnelId: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('funnels')
    .set({ deleted_at: now, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('funnel_id', '=', funnelId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** The tenant's funnels at their current versions (all, or those named), deleted ones left out. */
export async function listFunnels(
  db: Db,
  tenantId: string,
  funnelIds?: readonly string[],
): Promise<StoredFunnel[]> {
  if (funnelIds?.length === 0) return [];
  let q = db
    .selectFrom('funnels as f')
    .innerJoin('funnel_versions as v', (j) =>
      j
        .onRef('v.tenant_id', '=', 'f.tenant_id')
        .onRef('v.funnel_id', '=', 'f.funnel_id')
        .onRef('v.version', '=', 'f.version'),
    )
    .select(['f.funnel_id', 'f.name', 'f.version', 'v.definition', 'f.created_at', 'f.updated_at'])
    .where('f.tenant_id', '=', tenantId)
    .where('f.deleted_at', 'is', null);
  if (funnelIds) q = q.where('f.funnel_id', 'in', funnelIds);
  const rows = await q.orderBy('f.funnel_id').execute();
  return rows.map((r) => ({
    funnelId: r.funnel_id,
    name: r.name,
    version: r.version,
    definition: r.definition,
    deleted: false,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** The definitions of these (funnel, version) pairs, keyed `funnelId@version`; deleted funnels too. */
export async function findFunnelVersions(
  db: Db,
  tenantId: string,
  wanted: readonly { funnelId: string; version: number }[],
): Promise<Map<string, { name: string; definition: Record<string, unknown> }>> {
  const found = new Map<string, { name: string; definition: Record<string, unknown> }>();
  if (wanted.length === 0) return found;
  const { rows } = await sql<{
    funnel_id: string;
    version: number;
    name: string;
    definition: Record<string, unknown>;
  }>`
    select v.funnel_id, v.version, f.name, v.definition
    from funnel_versions v
    join funnels f on f.tenant_id = v.tenant_id and f.funnel_id = v.funnel_id
    join unnest(${wanted.map((w) => w.funnelId)}::text[], ${wanted.map((w) => w.version)}::int[]) as w(funnel_id, version)
      on w.funnel_id = v.funnel_id and w.version = v.version
    where v.tenant_id = ${tenantId}`.execute(db);
  for (const r of rows)
    found.set(versionKey(r.funnel_id, r.version), { name: r.name, definition: r.definition });
  return found;
}

export const versionKey = (funnelId: string, version: number) => `${funnelId}@${version}`;

/**
 * Starts a run unless the pair has an active one: the partial unique index decides, so of two
 * starts racing for one pair exactly one inserts. Returns whether this one did.
 */
export async function insertRun(db: Db, tenantId: string, run: FunnelRunRow): Promise<boolean> {
  const { rows } = await sql<{ run_id: string }>`
    insert into funnel_runs (tenant_id, user_id, run_id, character_id, funnel_id, version, trigger_id,
      decision_id, hook_suggestion_id, status, step_id, seq, step_sent_at, due_at, started_at, ended_at, end_reason)
    values (${tenantId}, ${run.user_id}, ${run.run_id}, ${run.character_id}, ${run.funnel_id}, ${run.version},
      ${run.trigger_id}, ${run.decision_id}, ${run.hook_suggestion_id}, ${run.status}, ${run.step_id}, ${run.seq},
      ${run.step_sent_at}, ${run.due_at}, ${run.started_at}, ${run.ended_at}, ${run.end_reason})
    on conflict (tenant_id, user_id, character_id) where status = 'active' do nothing
    returning run_id`.execute(db);
  return rows.length > 0;
}

/** The pair's active run, locked until the transaction ends; undefined when there is none. */
export async function lockActiveRun(db: Db, tenantId: string, userId: string, characterId: string) {
  return db
    .selectFrom('funnel_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('character_id', '=', characterId)
    .where('status', '=', 'active')
    .forUpdate()
    .executeTakeFirst();
}

/** One run, locked until the transaction ends. */
export async function lockRun(db: Db, tenantId: string, userId: string, runId: string) {
  return db
    .selectFrom('funnel_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('run_id', '=', runId)
    .forUpdate()
    .executeTakeFirst();
}

/** The active runs whose hook is one of these suggestions, locked. */
export async function lockRunsOfHooks(
  db: Db,
  tenantId: string,
  hooks: readonly { userId: string; suggestionId: string }[],
) {
  if (hooks.length === 0) return [];
  const { rows } = await sql<Selectable<FunnelRunsTable>>`
    select r.* from funnel_runs r
    join unnest(${hooks.map((h) => h.userId)}::text[], ${hooks.map((h) => h.suggestionId)}::text[]) as h(user_id, suggestion_id)
      on r.user_id = h.user_id and r.hook_suggestion_id = h.suggestion_id
    where r.tenant_id = ${tenantId} and r.status = 'active'
    for update of r`.execute(db);
  return rows;
}

export type NewFunnelEvent = Omit<Selectable<FunnelEventsTable>, 'tenant_id' | 'event_no' | 'answer'> & {
  answer: Record<string, unknown> | null;
};

/**
 * Writes a moved run's new state and appends its events (numbered after the run's last), in one
 * statement; false when an event's message id is recorded already (a concurrent forward of the
 * same message answered it first: the caller rolls back).
 */
export async function writeRunMove(
  db: Db,
  tenantId: string,
  run: Pick<
    FunnelRunRow,
    | 'user_id'
    | 'run_id'
    | 'status'
    | 'step_id'
    | 'seq'
    | 'step_sent_at'
    | 'due_at'
    | 'ended_at'
    | 'end_reason'
  >,
  events: readonly NewFunnelEvent[],
): Promise<boolean> {
  const column = <K extends keyof NewFunnelEvent>(key: K) => events.map((e) => e[key]);
  const { rows } = await sql<{ n: number }>`
    with moved as (
      update funnel_runs set status = ${run.status}, step_id = ${run.step_id}, seq = ${run.seq},
        step_sent_at = ${run.step_sent_at}, due_at = ${run.due_at}, ended_at = ${run.ended_at},
        end_reason = ${run.end_reason}
      where tenant_id = ${tenantId} and user_id = ${run.user_id} and run_id = ${run.run_id}
    )
    insert into funnel_events (tenant_id, user_id, run_id, event_no, funnel_id, character_id, type, reason,
      step_id, seq, message_id, answer, at)
    select ${tenantId}, e.user_id, e.run_id,
      coalesce((select max(x.event_no) from funnel_events x
                where x.tenant_id = ${tenantId} and x.user_id = e.user_id and x.run_id = e.run_id), 0) + e.ord,
      e.funnel_id, e.character_id, e.type, e.reason, e.step_id, e.seq, e.message_id, e.answer, e.at
    from unnest(${column('user_id')}::text[], ${column('run_id')}::text[], ${column('funnel_id')}::text[],
      ${column('character_id')}::text[], ${column('type')}::text[], ${column('reason')}::text[],
      ${column('step_id')}::text[], ${column('seq')}::int[], ${column('message_id')}::text[],
      ${events.map((e) => (e.answer === null ? null : JSON.stringify(e.answer)))}::jsonb[],
      ${column('at')}::timestamptz[]) with ordinality
      as e(user_id, run_id, funnel_id, character_id, type, reason, step_id, seq, message_id, answer, at, ord)
    on conflict do nothing
    returning 1 as n`.execute(db);
  return rows.length === events.length;
}

/** The answer recorded for a message already read by the pair's funnels, if it was. */
export async function findAnsweredMessage(
  db: Db,
  tenantId: string,
  userId: string,
  characterId: string,
  messageId: string,
): Promise<Record<string, unknown> | null> {
  const row = await db
    .selectFrom('funnel_events')
    .select('answer')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('character_id', '=', characterId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row?.answer ?? null;
}

/** What the selector reads of a pair's runs: the active one, and each funnel's last start and refusals since `since`. */
export interface PairFunnelHistory {
  activeFunnelId: string | null;
  lastStartedAt: Map<string, Date>;
  refusals: Map<string, number>;
}

/** The funnel history of these pairs, keyed by `pairKey`, in one statement. */
export async function findFunnelHistory(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
  since: Date,
  key: (userId: string, characterId: string) => string,
): Promise<Map<string, PairFunnelHistory>> {
  const history = new Map<string, PairFunnelHistory>();
  if (pairs.length === 0) return history;
  const { rows } = await sql<{
    user_id: string;
    character_id: string;
    funnel_id: string;
    active: boolean;
    last_started: Date;
    refusals: number;
  }>`
    select r.user_id, r.character_id, r.funnel_id, bool_or(r.status = 'active') as active,
      max(r.started_at) as last_started,
      (count(*) filter (where r.status in ('abandoned', 'expired') and r.started_at >= ${since}))::int as refusals
    from funnel_runs r
    join unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.characterId)}::text[]) as p(user_id, character_id)
      on r.user_id = p.user_id and r.character_id = p.character_id
    where r.tenant_id = ${tenantId}
    group by r.user_id, r.character_id, r.funnel_id`.execute(db);
  for (const r of rows) {
    const k = key(r.user_id, r.character_id);
    const h = history.get(k) ?? { activeFunnelId: null, lastStartedAt: new Map(), refusals: new Map() };
    if (r.active) h.activeFunnelId = r.funnel_id;
    h.lastStartedAt.set(r.funnel_id, r.last_started);
    h.refusals.set(r.funnel_id, r.refusals);
    history.set(k, h);
  }
  return history;
}

/** Deletes runs whose hook another instance made first (the suggestion was not inserted). */
export async function deleteRuns(
  db: Db,
  tenantId: string,
  runs: readonly { userId: string; runId: string }[],
) {
  if (runs.length === 0) return;
  await sql`
    delete from funnel_runs r
    using unnest(${runs.map((r) => r.userId)}::text[], ${runs.map((r) => r.runId)}::text[]) as d(user_id, run_id)
    where r.tenant_id = ${tenantId} and r.user_id = d.user_id and r.run_id = d.run_id`.execute(db);
}

/**
 * Claims active runs whose step has timed out, any tenant, locked (SKIP LOCKED: instances share
 * them); the caller ends each in the same transaction, so exactly one instance expires a run.
 */
export async function lockDueRuns(db: Db, now: Date, limit: number) {
  const { rows } = await sql<Selectable<FunnelRunsTable>>`
    select r.* from funnel_runs r
    where r.ctid = any (array(
      select x.ctid from tenants t
      cross join lateral (
        select d.ctid from funnel_runs d
        where d.tenant_id = t.tenant_id and d.status = 'active' and d.due_at <= ${now}
        order by d.due_at
        limit ${limit}
      ) x
      limit ${limit}
    ))
    and r.status = 'active' and r.due_at <= ${now}
    for update of r skip locked`.execute(db);
  return rows;
}

/** What a step's text is filled from: the hook's topic, the character's name, whom the hook was written for. */
export async function findStepSlots(
  db: Db,
  tenantId: string,
  run: Pick<FunnelRunRow, 'user_id' | 'character_id' | 'hook_suggestion_id'>,
) {
  const { rows } = await sql<{ mention: string | null; audience: string | null; name: string | null }>`
    select s.topic ->> 'mention' as mention, s.composition ->> 'audience' as audience, c.name
    from (select 1) one
    left join suggestions s on s.tenant_id = ${tenantId} and s.user_id = ${run.user_id}
      and s.suggestion_id = ${run.hook_suggestion_id}
    left join characters c on c.tenant_id = ${tenantId} and c.character_id = ${run.character_id}`.execute(db);
  const r = rows[0];
  return {
    topic: r?.mention ?? null,
    character: r?.name ?? null,
    audience: r?.audience === 'public' ? ('public' as const) : ('private' as const),
  };
}

/** These runs (any status), with the topic their hook was written about, keyed by run id. */
export async function findRunsWithHookTopic(
  db: Db,
  tenantId: string,
  runs: readonly { userId: string; runId: string }[],
): Promise<Map<string, FunnelRunRow & { hook_topic: Record<string, unknown> | null }>> {
  const found = new Map<string, FunnelRunRow & { hook_topic: Record<string, unknown> | null }>();
  if (runs.length === 0) return found;
  const { rows } = await sql<FunnelRunRow & { hook_topic: Record<string, unknown> | null }>`
    select r.*, s.topic as hook_topic
    from funnel_runs r
    join unnest(${runs.map((r) => r.userId)}::text[], ${runs.map((r) => r.runId)}::text[]) as k(user_id, run_id)
      on r.user_id = k.user_id and r.run_id = k.run_id
    left join suggestions s on s.tenant_id = r.tenant_id and s.user_id = r.user_id
      and s.suggestion_id = r.hook_suggestion_id
    where r.tenant_id = ${tenantId}`.execute(db);
  for (const r of rows) found.set(r.run_id, r);
  return found;
}
