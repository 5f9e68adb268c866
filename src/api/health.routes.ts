import { z } from 'zod';
import type { Api } from './api-types.js';
import { RETRY_AFTER_SECONDS } from './error-handler.js';

/**
 * Liveness and database reachability; the only route open without a key, so it says whether the
 * database answers and nothing more (never the driver's message, which names the server). Why
 * it does not answer is in the log, once per outage; a key cannot be checked without it.
 */
export function healthRoutes(app: Api) {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database reachability (no key needed)',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.literal('ok') }),
          503: z.object({ status: z.literal('unavailable'), database: z.literal('down') }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await app.engine.checkDatabase();
        return { status: 'ok' as const, database: 'ok' as const };
      } catch {
        return reply
          .status(503)
          .header('retry-after', RETRY_AFTER_SECONDS)
          .send({ status: 'unavailable' as const, database: 'down' as const });
      }
    },
  );
}
