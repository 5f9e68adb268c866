import type { z } from 'zod';
import { parseInput } from '../../contract/issues.js';
import { EngagementReportQuery } from '../../contract/report.schema.js';
import { engagementReport } from '../outcomes/report.js';
import type { TenantScope } from './tenant-scope.js';

/** Reports on what proactive messages did. */
export function reportUseCases({ ctx, tenantId }: TenantScope) {
  return {
    /**
     * Messages sent, delivered, replied (and what the replies meant), feedback, opt-outs and
     * returns within 72 h after a message and after a held-out decision, with the lift, per group.
     */
    engagementReport: (query: z.input<typeof EngagementReportQuery> = {}) =>
      engagementReport(ctx, tenantId, parseInput(EngagementReportQuery, query)),
  };
}
