import { z } from 'zod';
import { COMPOSER_NAMES } from '../../ports/composer.js';
import { Id } from './common.js';

export const SUGGESTION_STATUSES = [
  'drafting',
  'pending',
  'approved',
  'sending',
  'sent',
  'dismissed',
  'expired',
  'failed',
  /** Handed to a platform that gave no answer (a crash, a timeout): perhaps sent, never resent automatically. */
  'unknown',
] as const;

export const SuggestionQuery = z.strictObject({
  userId: Id,
  characterId: Id.optional(),
  status: z
    .enum(SUGGESTION_STATUSES, { error: `must be one of ${SUGGESTION_STATUSES.join(', ')}` })
    .optional(),
  before: z.string().max(64).optional().meta({ description: 'The `next` value of the previous page' }),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 500' })
    .int({ error: 'must be a whole number from 1 to 500' })
    .min(1, { error: 'must be from 1 to 500' })
    .max(500, { error: 'must be from 1 to 500' })
    .default(50),
});
export type SuggestionQuery = z.output<typeof SuggestionQuery>;

export const SuggestionView = z
  .object({
    suggestionId: z.string(),
    userId: z.string(),
    characterId: z.string(),
    triggerId: z.string(),
    occasionKey: z.string(),
    decisionId: z.string(),
    status: z.enum(SUGGESTION_STATUSES),
    statusReason: z
      .string()
      .nullable()
      .meta({ description: 'Why it ended where it did (nothing to say, the model said no)' }),
    approval: z.enum(['auto', 'suggest', 'manual']),
    text: z.string().nullable().meta({ description: 'The opener, once drafted' }),
    topic: z
      .object({
        id: z.string(),
        kind: z.string(),
        text: z.string(),
        mention: z.string(),
        score: z.record(z.string(), z.union([z.number(), z.boolean()])),
      })
      .nullable()
      .meta({ description: 'What the opener is about, and the score that chose it' }),
    composer: z.enum(COMPOSER_NAMES).nullable(),
    composition: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        "How it was written: model, usage (tokens), fallback (from, reason, detail or violations), context (source, fallbackReason), judge (an llm trigger's answer)",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Suggestion' });
export type SuggestionView = z.output<typeof SuggestionView>;
