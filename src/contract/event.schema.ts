import { z } from 'zod';
import { EVENT_KINDS } from '../domain/signals/event-kind.js';
import { ChannelName, ExternalId, Id, Instant, jsonSize, rule } from './common.js';
import { FunnelAnswer } from './funnel.schema.js';

export const LIMITS = {
  batchSize: 1000,
  textLength: 8000,
  metaBytes: 8192,
  /** How far `at` may lie ahead of the engine's clock (senders' clocks drift). */
  futureSkewMs: 5 * 60 * 1000,
} as const;

/** The fields that say what a feedback or reaction is about and what it says. */
const FEEDBACK_FIELDS = ['suggestionId', 'externalId', 'score', 'emoji'] as const;

export const EventInput = z
  .strictObject({
    id: Id.meta({ description: 'Chosen by the sender; unique per user. Re-sending an id is a no-op.' }),
    kind: z.enum(EVENT_KINDS),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_.:-]{0,63}$/, {
        error: 'must be 1-64 lowercase letters, digits, _ . : or -, starting with a letter',
      })
      .optional()
      .meta({ description: 'Required for kind "custom", not allowed otherwise.' }),
    userId: Id,
    characterId: Id,
    at: Instant,
    text: z.string().max(LIMITS.textLength).optional(),
    channel: ChannelName.optional(),
    suggestionId: Id.optional().meta({
      description: 'feedback and reaction only: the proactive message (suggestion) it is about',
    }),
    externalId: ExternalId.optional().meta({
      description:
        "feedback and reaction only: the platform's id of the message it is about (the delivery's externalId)",
    }),
    score: z
      .number({ error: rule('must be a number from -1 to 1') })
      .min(-1, { error: 'must be from -1 to 1' })
      .max(1, { error: 'must be from -1 to 1' })
      .optional()
      .meta({
        description: 'feedback and reaction only: -1 (bad) to 1 (good); thumbs up and down are 1 and -1',
      }),
    emoji: z
      .string({ error: rule('must be a string of 1-32 characters') })
      .min(1, { error: 'must not be empty' })
      .max(32, { error: 'must be at most 32 characters' })
      .optional()
      .meta({
        description: 'reaction (or feedback) only: the emoji; 👍 and ❤️ score 1, 👎 -1 when no score is given',
      }),
    meta: z
      .record(z.string(), z.unknown())
      .refine((meta) => jsonSize(meta) <= LIMITS.metaBytes, {
        error: `must be at most ${LIMITS.metaBytes} bytes as JSON`,
      })
      .optional()
      .meta({ description: 'Free-form JSON object' }),
    funnel: z.boolean({ error: 'must be true or false' }).optional().meta({
      description:
        "message_in only: read it through the user's funnel too (as POST /v1/replies does, with the event's id as the message id); the answer is in the result's `funnels`",
    }),
  })
  .superRefine((event, ctx) => {
    if (event.kind === 'custom' && event.name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'is required when kind is "custom"' });
    }
    if (event.kind !== 'custom' && event.name !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'is only allowed when kind is "custom"' });
    }
    if (event.funnel !== undefined && event.kind !== 'message_in')
      ctx.addIssue({
        code: 'custom',
        path: ['funnel'],
        message: 'is only allowed when kind is "message_in"',
      });
    if (event.kind !== 'feedback' && event.kind !== 'reaction') {
      for (const field of FEEDBACK_FIELDS)
        if (event[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'is only allowed when kind is "feedback" or "reaction"',
          });
    }
  })
  .meta({ id: 'Event' });

export type EventInput = z.output<typeof EventInput>;

export const EventBatch = z
  .strictObject({
    events: z.array(EventInput).min(1).max(LIMITS.batchSize),
  })
  .meta({
    id: 'EventBatch',
    description: `Up to ${LIMITS.batchSize} events. A single event object (without the "events" wrapper) is accepted too.`,
  });

/**
 * What the events made the engine do that the bot should know: `opted_out` when a message
 * ("stop messaging me") opted the user out of proactive messages from its character, or from
 * every character (`characterId` null), so the bot can confirm once, in its own voice. Given once,
 * when the consent changed; a stop repeated while opted out gives none.
 */
export const IngestSignal = z
  .object({
    kind: z.literal('opted_out'),
    userId: z.string(),
    characterId: z.string().nullable().meta({ description: 'null: every character' }),
    scope: z.enum(['character', 'all']),
    eventId: z.string().meta({ description: 'The message that asked' }),
    at: z.string().meta({ description: "The message's time" }),
    cue: z.string().nullable().meta({ description: 'What in the message decided it' }),
  })
  .meta({ id: 'IngestSignal' });
export type IngestSignal = z.output<typeof IngestSignal>;

export const IngestResult = z
  .object({
    accepted: z.number().int().meta({ description: 'Events stored by this request' }),
    duplicates: z
      .number()
      .int()
      .meta({ description: 'Events whose id had been seen before (not stored again)' }),
    results: z.array(
      z.object({ id: z.string(), userId: z.string(), status: z.enum(['accepted', 'duplicate']) }),
    ),
    signals: z.array(IngestSignal).meta({
      description: 'What the events made the engine do that the bot should act on (an opt-out to confirm)',
    }),
    funnels: z
      .array(FunnelAnswer.extend({ id: z.string(), userId: z.string() }))
      .optional()
      .meta({
        description:
          "For each message_in sent with `funnel: true`, in order: whether the user's funnel took it (as POST /v1/replies answers)",
      }),
  })
  .meta({ id: 'IngestResult' });

export type IngestResult = z.output<typeof IngestResult>;

/**
 * A request body as a batch: one event (an object without `events`) is wrapped, so that a single
 * event and a batch are checked by one schema and reported with the same paths.
 */
export function asEventBatch(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && !('events' in body))
    return { events: [body] };
  return body;
}
