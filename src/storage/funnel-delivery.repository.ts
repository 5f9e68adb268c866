import { sql } from 'kysely';
import type { Db } from './schema.js';

/** A run moved by its message leaving or failing: what `funnel.updated` announces. */
export interface RunMoved {
  runId: string;
  funnelId: string;
  userId: string;
  characterId: string;
  type: 'funnel_started' | 'send_failed';
  reason: string;
  stepId: string;
  seq: number;
  status: string;
}

type Row = {
  run_id: string;
  funnel_id: string;
  user_id: string;
  character_id: string;
  step_id: string;
  seq: number;
  status: string;
};

/**
 * A run's hook left (sent, perhaps sent, or handed to the bot): the run's first step is now one
 * the user has seen, its timeout counts from now (the step's `timeoutMinutes`, read from the
 * version the run started on), and `funnel_started` is appended. A hook that left before, or a
 * run no longer active, is left alone.
 */
export async function recordHookLeft(
  db: Db,
  tenantId: string,
  hook: { userId: string; runId: string },
  now: Date,
): Promise<RunMoved | null> {
  const { rows } = await sql<Row>`
    with moved as (
      update funnel_runs r set step_sent_at = ${now},
        due_at = ${now}::timestamptz + make_interval(mins => (
          select (st ->> 'timeoutMinutes')::int
          from funnel_versions v, jsonb_array_elements(v.definition -> 'steps') st
          where v.tenant_id = r.tenant_id and v.funnel_id = r.funnel_id and v.version = r.version
            and st ->> 'stepId' = r.step_id))
      where r.tenant_id = ${tenantId} and r.user_id = ${hook.userId} and r.run_id = ${hook.runId}
        and r.status = 'active' and r.step_sent_at is null and r.seq = 0
      returning r.run_id, r.funnel_id, r.user_id, r.character_id, r.step_id, r.seq, r.status
    ), ${appendToMoved(tenantId, 'funnel_started', 'hook_sent', now)}
    select * from moved`.execute(db);
  const r = rows[0];
  return r ? moved(r, 'funnel_started', 'hook_sent') : null;
}

/**
 * Funnel messages that will never reach the user (failed, expired, dismissed before they were
 * sent): each run still waiting on that message ends `abandoned` with the reason, and
 * `send_failed` is appended. A run that moved past the message since is left alone.
 */
export async function endRunsOfFailedMessages(
  db: Db,
  tenantId: string,
  messages: readonly { userId: string; runId: string; seq: number }[],
  reason: string,
  now: Date,
): Promise<RunMoved[]> {
  if (messages.length === 0) return [];
  const why = `send_failed: ${reason}`.slice(0, 500);
  const { rows } = await sql<Row>`
    with moved as (
      update funnel_runs r set status = 'abandoned', ended_at = ${now}, end_reason = ${why}, due_at = null
      from unnest(${messages.map((m) => m.userId)}::text[], ${messages.map((m) => m.runId)}::text[],
                  ${messages.map((m) => m.seq)}::int[]) as f(user_id, run_id, seq)
      where r.tenant_id = ${tenantId} and r.user_id = f.user_id and r.run_id = f.run_id and r.seq = f.seq
        and r.status = 'active'
      returning r.run_id, r.funnel_id, r.user_id, r.character_id, r.step_id, r.seq, r.status
    ), ${appendToMoved(tenantId, 'send_failed', why, now)}
    select * from moved`.execute(db);
  return rows.map((r) => moved(r, 'send_failed', why));
}

/** The funnel messages among these suggestions: their runs and places. */
export async function findFunnelMessages(
  db: Db,
  tenantId: string,
  suggestions: readonly { userId: string; suggestionId: string }[],
): Promise<{ userId: string; runId: string; seq: number }[]> {
  if (suggestions.length === 0) return [];
  const { rows } = await sql<{ user_id: string; funnel_run_id: string; funnel_seq: number }>`
    select s.user_id, s.funnel_run_id, coalesce(s.funnel_seq, 0) as funnel_seq
    from suggestions s
    join unnest(${suggestions.map((s) => s.userId)}::text[], ${suggestions.map((s) => s.suggestionId)}::text[])
      as k(user_id, suggestion_id) on s.user_id = k.user_id and s.suggestion_id = k.suggestion_id
    where s.tenant_id = ${tenantId} and s.funnel_run_id is not null`.execute(db);
  return rows.map((r) => ({ userId: r.user_id, runId: r.funnel_run_id, seq: r.funnel_seq }));
}

/** The CTE appending an event to each run the `moved` CTE returns, numbered after the run's last. */
function appendToMoved(tenantId: string, type: RunMoved['type'], reason: string, now: Date) {
  return sql`appended as (
      insert into funnel_events (tenant_id, user_id, run_id, event_no, funnel_id, character_id, type, reason,
        step_id, seq, at)
      select ${tenantId}, m.user_id, m.run_id,
        coalesce((select max(e.event_no) from funnel_events e
                  where e.tenant_id = ${tenantId} and e.user_id = m.user_id and e.run_id = m.run_id), 0) + 1,
        m.funnel_id, m.character_id, ${type}, ${reason}, m.step_id, m.seq, ${now}
      from moved m
    )`;
}

function moved(r: Row, type: RunMoved['type'], reason: string): RunMoved {
  return {
    runId: r.run_id,
    funnelId: r.funnel_id,
    userId: r.user_id,
    characterId: r.character_id,
    type,
    reason,
    stepId: r.step_id,
    seq: r.seq,
    status: type === 'send_failed' ? 'abandoned' : r.status,
  };
}
