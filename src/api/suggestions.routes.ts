import { z } from 'zod';
import { SuggestionQuery, SuggestionView } from '../engine/schemas/suggestion.schema.js';
import { listSuggestionPage } from '../engine/suggestions.js';
import type { Api } from './api-types.js';
import { tenantOf } from './auth.js';
import { errors } from './errors.schema.js';

export function suggestionRoutes(app: Api) {
  app.get(
    '/v1/suggestions',
    {
      config: { access: 'read' },
      schema: {
        tags: ['suggestions'],
        summary:
          "A user's suggestions, newest first: the opener, its topic, and which composer wrote it and how",
        querystring: SuggestionQuery,
        response: {
          200: z.object({ suggestions: z.array(SuggestionView), next: z.string().nullable() }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => listSuggestionPage(app.engine.context, tenantOf(request), request.query),
  );
}
