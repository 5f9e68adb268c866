import { EngagementReport, EngagementReportQuery } from '../contract/report.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

export function reportRoutes(app: Api) {
  app.get(
    '/v1/reports/engagement',
    {
      config: { access: 'read' },
      schema: {
        tags: ['reports'],
        summary:
          'What proactive messages did in a period, per group: sent, delivered, replied and what replies meant, feedback, opt-outs, returns within 72 h and the lift over held-out decisions',
        querystring: EngagementReportQuery,
        response: { 200: EngagementReport, ...errors(400, 401, 403) },
      },
    },
    async (request) => callerTenant(request).engagementReport(request.query),
  );
}
