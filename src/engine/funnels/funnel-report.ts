import type { FunnelReportQuery } from '../../contract/funnel.schema.js';
import { countFunnelEvents, stepTimes } from '../../storage/funnel-report.repository.js';
import type { EngineContext } from '../kernel/resources.js';

export interface StepReport {
  stepId: string;
  /** Times the step reached a user: the hook leaving, or the step sent. */
  reached: number;
  /** Runs that moved on from it to another step. */
  advanced: number;
  completed: number;
  /** Runs abandoned at it, by the head of the reason (declined, unrelated, send_failed). */
  abandoned: Record<string, number>;
  expired: number;
  handedOff: number;
  /** The median seconds from the step reaching the user to the run leaving it; null when none left. */
  medianSeconds: number | null;
}

/**
 * What funnels did in a period (by the time of each event): per funnel, runs started, completed
 * (handoffs included), abandoned (by reason: a decline, an unrelated message, a message that could
 * not be sent), expired and handed off; per step the same, with how often it was reached and the
 * median time users took there.
 */
export async function funnelReport(ctx: EngineContext, tenantId: string, query: FunnelReportQuery) {
  // the period's rules are the contract's (checkReportPeriod)
  const from = new Date(query.from);
  const to = new Date(query.to);
  const [counts, times] = await Promise.all([
    countFunnelEvents(ctx.db, tenantId, from, to),
    stepTimes(ctx.db, tenantId, from, to),
  ]);
  const funnels = new Map<string, { steps: Map<string, StepReport> }>();
  const stepOf = (funnelId: string, stepId: string) => {
    const f = funnels.get(funnelId) ?? { steps: new Map<string, StepReport>() };
    funnels.set(funnelId, f);
    const s = f.steps.get(stepId) ?? {
      stepId,
      reached: 0,
      advanced: 0,
      completed: 0,
      abandoned: {},
      expired: 0,
      handedOff: 0,
      medianSeconds: null,
    };
    f.steps.set(stepId, s);
    return s;
  };
  const started = new Map<string, number>();
  for (const c of counts) {
    const s = stepOf(c.funnelId, c.stepId);
    switch (c.type) {
      case 'funnel_started':
        started.set(c.funnelId, (started.get(c.funnelId) ?? 0) + c.count);
        s.reached += c.count;
        break;
      case 'step_sent':
        s.reached += c.count;
        break;
      case 'step_advanced':
        s.advanced += c.count;
        break;
      case 'funnel_completed':
        s.completed += c.count;
        break;
      case 'handoff':
        s.completed += c.count;
        s.handedOff += c.count;
        break;
      case 'funnel_abandoned':
      case 'send_failed':
        s.abandoned[c.reasonHead] = (s.abandoned[c.reasonHead] ?? 0) + c.count;
        break;
      case 'funnel_expired':
        s.expired += c.count;
        break;
    }
  }
  for (const t of times) stepOf(t.funnelId, t.stepId).medianSeconds = t.medianSeconds;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    funnels: [...funnels].map(([funnelId, f]) => {
      const steps = [...f.steps.values()];
      const sum = (pick: (s: StepReport) => number) => steps.reduce((n, s) => n + pick(s), 0);
      const abandoned: Record<string, number> = {};
      for (const s of steps)
        for (const [why, n] of Object.entries(s.abandoned)) abandoned[why] = (abandoned[why] ?? 0) + n;
      return {
        funnelId,
        started: started.get(funnelId) ?? 0,
        completed: sum((s) => s.completed),
        abandoned,
        expired: sum((s) => s.expired),
        handedOff: sum((s) => s.handedOff),
        steps,
      };
    }),
  };
}
