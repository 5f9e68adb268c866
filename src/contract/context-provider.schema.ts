import { z } from 'zod';
import { HttpUrl, rule } from './common.js';

const CONTEXT_TIMEOUT = { min: 100, max: 10_000, default: 2000 } as const;

export const ContextProviderInput = z
  .strictObject({
    url: HttpUrl.meta({
      description: "The bot's endpoint that answers with what its memory holds about a user",
      example: 'https://bot.example/overture/context',
    }),
    secret: z
      .string({ error: rule('must be a string of 16-512 characters') })
      .min(16, { error: 'must be at least 16 characters' })
      .max(512, { error: 'must be at most 512 characters' })
      .meta({
        description:
          'Signs every request (HMAC-SHA256, as webhook calls are signed); stored sealed, never returned',
      }),
    timeoutMs: z
      .number({
        error: rule(`must be a whole number of milliseconds, ${CONTEXT_TIMEOUT.min}-${CONTEXT_TIMEOUT.max}`),
      })
      .int({ error: 'must be a whole number of milliseconds' })
      .min(CONTEXT_TIMEOUT.min, { error: `must be at least ${CONTEXT_TIMEOUT.min} ms` })
      .max(CONTEXT_TIMEOUT.max, { error: `must be at most ${CONTEXT_TIMEOUT.max} ms` })
      .default(CONTEXT_TIMEOUT.default)
      .meta({ description: 'How long a call may take before the built-in store is used (default 2000)' }),
  })
  .meta({ id: 'ContextProviderBody' });
export type ContextProviderInput = z.output<typeof ContextProviderInput>;

export const ContextProviderView = z
  .object({
    characterId: z.string(),
    url: z.string(),
    timeoutMs: z.number().int(),
    hasSecret: z.literal(true).meta({ description: 'The secret is stored (sealed); it is never shown' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ContextProvider' });
export type ContextProviderView = z.output<typeof ContextProviderView>;
