import { z } from 'zod';
import { Id, jsonSize } from './common.js';

const DATA_BYTES = 8192;

/** What an outside system posts to a webhook trigger's hook. */
export const HookBody = z
  .strictObject({
    userId: Id.meta({ description: 'An existing user; a hook never creates one' }),
    characterId: Id,
    id: z
      .string({ error: 'must be a string of 1-128 characters' })
      .min(1, { error: 'must be a string of 1-128 characters' })
      .max(128, { error: 'must be a string of 1-128 characters' })
      .optional()
      .meta({
        description:
          "The sender's id for this call: sent again, it records nothing new (duplicate: true). Without it, the body's hash is the id.",
      }),
    data: z
      .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
      .refine((data) => jsonSize(data) <= DATA_BYTES, {
        error: `must be at most ${DATA_BYTES} bytes as JSON`,
      })
      .optional()
      .meta({ description: 'Free-form JSON object, kept with the occasion' }),
  })
  .meta({ id: 'HookBody' });
export type HookBody = z.output<typeof HookBody>;

export const HookReceipt = z
  .object({
    accepted: z.literal(true),
    triggerId: z.string(),
    occasionKey: z.string(),
    duplicate: z
      .boolean()
      .meta({ description: 'True when a call with the same id (or body) was recorded before: nothing new' }),
  })
  .meta({ id: 'HookReceipt' });
export type HookReceipt = z.output<typeof HookReceipt>;
