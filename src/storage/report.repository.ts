import { type RawBuilder, sql } from 'kysely';
import type { Meaning } from '../domain/outcomes/reply-meaning.js';
import type { Db } from './schema.js';

/** What the engagement report groups by. */
export type ReportGroupBy = 'trigger' | 'character' | 'day' | 'hourOfWeek' | 'composer' | 'topicKind';

/** A period of the report: from inclusive, to exclusive. */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

/** One group's messages as the database counts them. */
export interface MessageAggregate {
  key: string | null;
  sent: number;
  delivered: number;
  replied: number;
  medianReplyLatencySeconds: number | null;
  meanings: Record<Meaning, number>;
  positive: number;
  negative: number;
}

/** One group's users of one arm: how many, and how many came back within 72 h. */
export interface ReturnAggregate {
  key: string | null;
  arm: 'sent' | 'held_out';
  users: number;
  returned: number;
}

// Each row of the report's sources carries these columns (see `messages` and `exposures`); the
// group's key is an expression over them, chosen from this fixed table (never from the caller's text).
// Local day and hour of the week are the user's (their zone, else the tenant's default); the hour
// of the week counts from Monday 00:00 local, 0 to 167.
const KEYS: Record<ReportGroupBy, RawBuilder<string | null>> = {
  trigger: sql`x.trigger_id`,
  character: sql`x.character_id`,
  day: sql`to_char(x.at at time zone x.zone, 'YYYY-MM-DD')`,
  hourOfWeek: sql`((extract(isodow from x.at at time zone x.zone)::int - 1) * 24 + extract(hour from x.at at time zone x.zone)::int)::text`,
  composer: sql`x.composer`,
  topicKind: sql`x.topic_kind`,
};

/**
 * A tenant's proactive messages that left in the period (deliveries `sent`, or `unknown`:
 * handed over without an answer), by the time they left, grouped: how many left, how many the
 * platform took (`delivered`: each has an outcome), replied, the median reply latency, each reply
 * meaning, and the feedback that names them, positive and negative. One statement; deliveries are
 * read through the tenant's part of their primary key (a report, not a hot path).
 */
export async function aggregateMessages(
  db: Db,
  tenantId: string,
  period: ReportPeriod,
  groupBy: ReportGroupBy,
): Promise<MessageAggregate[]> {
  const { rows } = await sql<{
    key: string | null;
    sent: string;
    delivered: string;
    replied: string;
    median: number | string | null;
    engaged: string;
    neutral: string;
    not_now: string;
    wrong_time: string;
    annoyed: string;
    stop: string;
    positive: string;
    negative: string;
  }>`
    with x as (
      select d.user_id, d.character_id, coalesce(o.at, d.sent_at, d.updated_at) as at, s.trigger_id, s.composer,
             s.topic ->> 'kind' as topic_kind, coalesce(u.timezone, t.default_timezone) as zone,
             o.outcome_id, o.replied_at, o.meaning,
             extract(epoch from o.replied_at - o.at)::float8 as latency, fb.positive, fb.negative
      from deliveries d
      join tenants t on t.tenant_id = d.tenant_id
      join users u on u.tenant_id = d.tenant_id and u.user_id = d.user_id
      left join suggestions s on s.tenant_id = d.tenant_id and s.user_id = d.user_id and s.suggestion_id = d.suggestion_id
      left join outcomes o on o.tenant_id = d.tenant_id and o.user_id = d.user_id and o.outcome_id = d.delivery_id
      cross join lateral (
        select count(*) filter (where f.score > 0) as positive, count(*) filter (where f.score < 0) as negative
        from feedback f
        where f.tenant_id = d.tenant_id and f.user_id = d.user_id
          and (f.suggestion_id = d.suggestion_id or (d.external_id is not null and f.external_id = d.external_id))
      ) fb
      where d.tenant_id = ${tenantId} and d.status in ('sent', 'unknown')
        and coalesce(o.at, d.sent_at, d.updated_at) >= ${period.from}
        and coalesce(o.at, d.sent_at, d.updated_at) < ${period.to}
    )
    select ${KEYS[groupBy]} as key, count(*) as sent, count(x.outcome_id) as delivered,
           count(x.replied_at) as replied,
           percentile_cont(0.5) within group (order by x.latency) as median,
           count(*) filter (where x.meaning = 'engaged') as engaged,
           count(*) filter (where x.meaning = 'neutral') as neutral,
           count(*) filter (where x.meaning = 'not_now') as not_now,
           count(*) filter (where x.meaning = 'wrong_time') as wrong_time,
           count(*) filter (where x.meaning = 'annoyed') as annoyed,
           count(*) filter (where x.meaning = 'stop') as stop,
           coalesce(sum(x.positive), 0) as positive, coalesce(sum(x.negative), 0) as negative
    from x
    group by 1
    order by 1 nulls last`.execute(db);
  return rows.map((r) => ({
    key: r.key,
    sent: Number(r.sent),
    delivered: Number(r.delivered),
    replied: Number(r.replied),
    medianReplyLatencySeconds: r.median === null ? null : Number(r.median),
    meanings: {
      engaged: Number(r.engaged),
      neutral: Number(r.neutral),
      not_now: Number(r.not_now),
      wrong_time: Number(r.wrong_time),
      annoyed: Number(r.annoyed),
      stop: Number(r.stop),
    },
    positive: Number(r.positive),
    negative: Number(r.negative),
  }));
}

/**
 * Who came back, per group and arm: each user's first exposure of the group in the period (a
 * message the platform took, at the time it was sent, or a held-out decision, at the time it was
 * decided) puts them in that arm once; they returned if they wrote (`message_in`) to that
 * character within 72 h after it. Only exposures whose 72 h have ended by `now` count, so that
 * recent ones do not count as not returned yet. The first exposures come from one pass over the
 * period's outcomes and held-out decisions (BRIN indexes on their time); each return is one
 * probe of `events_by_user_time`.
 */
export async function aggregateReturns(
  db: Db,
  tenantId: string,
  period: ReportPeriod,
  groupBy: ReportGroupBy,
  now: Date,
): Promise<ReturnAggregate[]> {
  const matured = new Date(Math.min(period.to.getTime(), now.getTime() - RETURN_WINDOW_MS));
  const { rows } = await sql<{
    key: string | null;
    arm: 'sent' | 'held_out';
    users: string;
    returned: string;
  }>`
    with x as (
      select o.user_id, o.character_id, o.at, 'sent' as arm, s.trigger_id, s.composer, s.topic ->> 'kind' as topic_kind,
             coalesce(u.timezone, t.default_timezone) as zone
      from outcomes o
      join tenants t on t.tenant_id = o.tenant_id
      join users u on u.tenant_id = o.tenant_id and u.user_id = o.user_id
      left join suggestions s on s.tenant_id = o.tenant_id and s.user_id = o.user_id and s.suggestion_id = o.suggestion_id
      where o.tenant_id = ${tenantId} and o.at >= ${period.from} and o.at < ${matured}
      union all
      select dc.user_id, dc.character_id, dc.decided_at as at, 'held_out' as arm, dc.trigger_id, null as composer,
             null as topic_kind, coalesce(u.timezone, t.default_timezone) as zone
      from decisions dc
      join tenants t on t.tenant_id = dc.tenant_id
      join users u on u.tenant_id = dc.tenant_id and u.user_id = dc.user_id
      where dc.tenant_id = ${tenantId} and dc.action = 'held_out'
        and dc.decided_at >= ${period.from} and dc.decided_at < ${matured}
    ),
    firsts as (
      select distinct on (k.key, x.user_id) k.key, x.user_id, x.character_id, x.at, x.arm
      from x cross join lateral (select ${KEYS[groupBy]} as key) k
      order by k.key, x.user_id, x.at
    )
    select f.key, f.arm, count(*) as users,
           count(*) filter (where exists (
             select 1 from events e
             where e.tenant_id = ${tenantId} and e.user_id = f.user_id and e.at > f.at
               and e.at <= f.at + interval '72 hours' and e.character_id = f.character_id and e.kind = 'message_in'
           )) as returned
    from firsts f
    group by f.key, f.arm`.execute(db);
  return rows.map((r) => ({ key: r.key, arm: r.arm, users: Number(r.users), returned: Number(r.returned) }));
}

/** How long after a message (or a held-out decision) a user's writing counts as coming back. */
export const RETURN_WINDOW_MS = 72 * 3_600_000;

/** The tenant's opt-outs in the period, from the audit log (`consent.opted_out`: a stop, the user's or a pair's). */
export async function countOptOuts(db: Db, tenantId: string, period: ReportPeriod): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('action', '=', 'consent.opted_out')
    .where('at', '>=', period.from)
    .where('at', '<', period.to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
