import { z } from 'zod';
import { rule } from './common.js';

const URL_RULE = 'must be an http: or https: URL of at most 2048 characters, without a user name or password';

/** The callback's URL: http or https only, no credentials (fetch refuses them, and they would be stored in the clear). */
const CallbackUrl = z.string({ error: rule(URL_RULE) }).superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = value.length <= 2048 ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
    ctx.addIssue({ code: 'custom', message: URL_RULE });
});

export const CONTEXT_TIMEOUT = { min: 100, max: 10_000, default: 2000 } as const;

export const ContextProviderInput = z
  .strictObject({
    url: CallbackUrl.meta({
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
