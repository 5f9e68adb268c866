import { z } from 'zod';
import { Id, Instant, Text } from './common.js';

export const OpenLoopInput = z.strictObject({
  sentence: Text(1000).meta({ description: 'What the user said, e.g. "My interview is on Friday at 3pm"' }),
  dueAt: Instant.meta({ description: 'When it happens; a follow-up comes after it' }),
  characterId: Id.meta({ description: 'The character the user said it to, who follows it up' }),
  mention: Text(200)
    .optional()
    .meta({ description: 'How an opener names it, e.g. "your interview" (default: read from the sentence)' }),
  allDay: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({ description: 'Said of a day without a time of day' }),
});
export type OpenLoopInput = z.output<typeof OpenLoopInput>;

/** The body is optional: a request without one closes the loop without a note. */
export const OpenLoopClose = z
  .strictObject({
    reason: Text(500).optional().meta({ description: 'Why it is closed, for the record' }),
  })
  .nullish();
export type OpenLoopClose = z.output<typeof OpenLoopClose>;

export const OpenLoopQuery = z.strictObject({
  status: z.enum(['open', 'closed'], { error: 'must be "open" or "closed"' }).optional(),
  characterId: Id.optional().meta({ description: 'Said to this character' }),
  before: z.string().max(64).optional().meta({ description: 'The `next` value of the previous page' }),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 500' })
    .int({ error: 'must be a whole number from 1 to 500' })
    .min(1, { error: 'must be a whole number from 1 to 500' })
    .max(500, { error: 'must be a whole number from 1 to 500' })
    .default(50),
});
export type OpenLoopQuery = z.output<typeof OpenLoopQuery>;

export const OpenLoop = z
  .object({
    loopId: z.string(),
    userId: z.string(),
    characterId: z.string(),
    sentence: z.string(),
    mention: z.string(),
    dueAt: z.string(),
    allDay: z.boolean(),
    source: z.enum(['message', 'api']),
    eventId: z.string().nullable().meta({ description: 'The message it was read from (source "message")' }),
    status: z.enum(['open', 'closed']),
    closedAt: z.string().nullable(),
    closedReason: z.enum(['followed_up', 'closed_by_api', 'expired']).nullable(),
    closedNote: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'OpenLoop' });
