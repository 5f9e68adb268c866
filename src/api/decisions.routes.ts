import { z } from 'zod';
import { DecisionQuery, DecisionView } from '../contract/decision.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

export function decisionRoutes(app: Api) {
  app.get(
    '/v1/decisions',
    {
      config: { access: 'read' },
      schema: {
        tags: ['decisions'],
        summary:
          'Why the engine did (or did not) message a user: its stored decisions, newest first, with every check',
        querystring: DecisionQuery,
        response: {
          200: z.object({ decisions: z.array(DecisionView), next: z.string().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => callerTenant(request).listDecisions(request.query),
  );
}
