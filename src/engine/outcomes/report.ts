import type { EngagementReportQuery } from '../../contract/report.schema.js';
import { lift } from '../../domain/outcomes/lift.js';
import {
  aggregateMessages,
  aggregateReturns,
  countOptOuts,
  type MessageAggregate,
  type ReturnAggregate,
} from '../../storage/report.repository.js';
import type { EngineContext } from '../kernel/resources.js';

const DAY = 86_400_000;
const NO_MESSAGES: Omit<MessageAggregate, 'key'> = {
  sent: 0,
  delivered: 0,
  replied: 0,
  medianReplyLatencySeconds: null,
  meanings: { engaged: 0, neutral: 0, not_now: 0, wrong_time: 0, annoyed: 0, stop: 0 },
  positive: 0,
  negative: 0,
};

/**
 * The engagement report of a period (docs/OUTCOMES.md, "Report"): per group, the messages that
 * left and what became of them, and who came back within 72 h after a message and after a
 * held-out decision, with the lift and its interval. Three statements, aggregated in SQL; the
 * statistics are pure (`domain/outcomes/lift.ts`).
 */
export async function engagementReport(ctx: EngineContext, tenantId: string, query: EngagementReportQuery) {
  const now = ctx.clock.now();
  const to = query.to !== undefined ? new Date(query.to) : now;
  const from = query.from !== undefined ? new Date(query.from) : new Date(to.getTime() - 7 * DAY);
  const period = { from, to };
  const [messages, returns, optOuts] = await Promise.all([
    aggregateMessages(ctx.db, tenantId, period, query.groupBy),
    aggregateReturns(ctx.db, tenantId, period, query.groupBy, now),
    countOptOuts(ctx.db, tenantId, period),
  ]);
  const keys = new Map<
    string | null,
    { messages?: MessageAggregate; sent?: ReturnAggregate; held?: ReturnAggregate }
  >();
  const entry = (key: string | null) => {
    let e = keys.get(key);
    if (!e) {
      e = {};
      keys.set(key, e);
    }
    return e;
  };
  for (const m of messages) entry(m.key).messages = m;
  for (const r of returns) {
    if (r.arm === 'sent') entry(r.key).sent = r;
    else entry(r.key).held = r;
  }
  const groups = [...keys.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([key, e]) => {
      const m = e.messages ?? { key, ...NO_MESSAGES };
      const sent = { users: e.sent?.users ?? 0, returned: e.sent?.returned ?? 0 };
      const heldOut = { users: e.held?.users ?? 0, returned: e.held?.returned ?? 0 };
      return {
        key,
        sent: m.sent,
        delivered: m.delivered,
        replied: m.replied,
        replyRate: m.delivered > 0 ? m.replied / m.delivered : null,
        medianReplyLatencySeconds: m.medianReplyLatencySeconds,
        meanings: m.meanings,
        feedback: { positive: m.positive, negative: m.negative },
        optOuts: m.meanings.stop,
        returns72h: { sent, heldOut },
        lift: lift(
          { successes: sent.returned, n: sent.users },
          { successes: heldOut.returned, n: heldOut.users },
        ),
      };
    });
  return { from: from.toISOString(), to: to.toISOString(), groupBy: query.groupBy, groups, optOuts };
}
