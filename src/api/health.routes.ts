import { z } from 'zod';
import type { Api } from './api-types.js';

/** Liveness and database reachability; the only route open without a key. */
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
          503: z.object({
            status: z.literal('unavailable'),
            database: z.literal('unreachable'),
            error: z.string(),
          }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await app.engine.checkDatabase();
        return { status: 'ok' as const, database: 'ok' as const };
      } catch (error) {
        return reply.status(503).send({
          status: 'unavailable' as const,
          database: 'unreachable' as const,
          error: (error as Error).message,
        });
      }
    },
  );
}
