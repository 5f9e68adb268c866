import { asEventBatch, EventBatch, IngestResult } from '../contract/event.schema.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';

export function eventRoutes(app: Api) {
  app.post(
    '/v1/events',
    {
      config: { access: 'write' },
      // the one route for large bodies: a batch of up to 1,000 events (OVERTURE_EVENTS_BODY_LIMIT)
      bodyLimit: app.engine.config.eventsBodyLimit,
      // A single event is accepted as well as a batch: wrapped before validation.
      preValidation: async (request) => {
        request.body = asEventBatch(request.body) as typeof request.body;
      },
      schema: {
        tags: ['signals'],
        summary: 'Report events: one, or a batch of up to 1,000',
        description:
          'The batch is validated whole before anything is written: one bad item rejects the batch with 400, naming its index, field and rule. Re-sending an id already stored is reported as a duplicate and changes nothing.',
        body: EventBatch,
        response: { 200: IngestResult, ...errors(400, 401, 403, 413) },
      },
    },
    async (request) => callerTenant(request).ingest(request.body),
  );
}
