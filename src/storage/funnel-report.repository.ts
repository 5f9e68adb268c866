import { sql } from 'kysely';
import type { Db } from './schema.js';

/** Events of one kind at one step of one funnel in a period, with the head of their reason. */
export interface FunnelEventCount {
  funnelId: string;
  stepId: string;
  type: string;
  /** The reason up to its first colon: `declined`, `unrelated`, `timeout_hook`, `send_failed`. */
  reasonHead: string;
  count: number;
}

/** How long users took at a step before the run left it (answered, declined, expired), in seconds. */
export interface StepTime {
  funnelId: string;
  stepId: string;
  medianSeconds: number;
  count: number;
}

/** The funnel events of a tenant's period, counted by funnel, step, type and reason's head. */
export async function countFunnelEvents(
  db: Db,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<FunnelEventCount[]> {
  const { rows } = await sql<{ funnel_id: string; step_id: string; type: string; head: string; n: number }>`
    select funnel_id, step_id, type, split_part(reason, ':', 1) as head, count(*)::int as n
    from funnel_events
    where tenant_id = ${tenantId} and at >= ${from} and at < ${to}
    group by 1, 2, 3, 4
    order by 1, 2, 3, 4`.execute(db);
  return rows.map((r) => ({
    funnelId: r.funnel_id,
    stepId: r.step_id,
    type: r.type,
    reasonHead: r.head,
    count: r.n,
  }));
}

/**
 * The median time from a step reaching the user (the hook leaving, or a later step sent) to the
 * run leaving it, per funnel and step, for steps left within the period.
 */
export async function stepTimes(db: Db, tenantId: string, from: Date, to: Date): Promise<StepTime[]> {
  const { rows } = await sql<{ funnel_id: string; step_id: string; median: number; n: number }>`
    select l.funnel_id, l.step_id,
      percentile_cont(0.5) within group (order by extract(epoch from l.at - a.at))::float8 as median,
      count(*)::int as n
    from funnel_events l
    join funnel_events a on a.tenant_id = l.tenant_id and a.user_id = l.user_id and a.run_id = l.run_id
      and a.seq = l.seq and a.type in ('funnel_started', 'step_sent')
    where l.tenant_id = ${tenantId} and l.at >= ${from} and l.at < ${to}
      and l.type in ('step_advanced', 'funnel_completed', 'funnel_abandoned', 'funnel_expired', 'handoff')
    group by 1, 2`.execute(db);
  return rows.map((r) => ({ funnelId: r.funnel_id, stepId: r.step_id, medianSeconds: r.median, count: r.n }));
}
