import { z } from 'zod';
import { OUTCOME_STATUSES } from '../domain/outcomes/outcome-status.js';
import { REPLY_MEANINGS } from '../domain/outcomes/reply-meaning.js';
import { DELIVERY_STATUSES, SUGGESTION_STATUSES } from '../domain/suggestions/lifecycle.js';
import { CHANNELS } from '../ports/channel.js';
import { COMPOSER_NAMES } from '../ports/composer.js';
import { ExternalId, Id, rule } from './common.js';
import { DecisionView } from './decision.schema.js';

/** Longest opener a person may write when approving, in characters. */
const OPENER_TEXT_MAX = 2000;

export const SuggestionQuery = z.strictObject({
  userId: Id.optional().meta({
    description: "One user's suggestions; without it, the tenant's (the approval queue)",
  }),
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

export const OutcomeView = z
  .object({
    status: z.enum(OUTCOME_STATUSES).meta({
      description:
        "replied: the user's next message to the character came within the window (before the next proactive message); ignored: the window passed without one; pending: not yet",
    }),
    sentAt: z.string(),
    windowEndsAt: z.string().meta({ description: "The end of the tenant's attribution window for it" }),
    repliedAt: z.string().nullable(),
    replyEventId: z.string().nullable().meta({ description: 'The id of the message_in that answered it' }),
    latencySeconds: z.number().nullable().meta({ description: 'From sent to replied' }),
    meaning: z.enum(REPLY_MEANINGS).nullable().meta({
      description:
        'What the reply means: engaged, neutral, not_now, wrong_time, annoyed or stop (rules and lexicons in five languages); null without a reply or for a reply without text',
    }),
    feedback: z
      .object({
        eventId: z.string(),
        at: z.string(),
        score: z.number().nullable(),
        emoji: z.string().nullable(),
        text: z.string().nullable(),
      })
      .nullable()
      .meta({
        description:
          "The latest feedback or reaction event that names this message (its suggestionId, or its delivery's externalId)",
      }),
  })
  .meta({ id: 'Outcome' });
export type OutcomeView = z.output<typeof OutcomeView>;

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
    handledBy: z
      .string()
      .nullable()
      .meta({ description: "Who approved or dismissed it: 'auto', or the id of the API key a person used" }),
    handledAt: z.string().nullable(),
    composedText: z
      .string()
      .nullable()
      .meta({ description: 'The text as composed, when a person edited it before approving; else null' }),
    outcome: OutcomeView.nullable().meta({ description: 'What became of it once sent; null until then' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Suggestion' });
export type SuggestionView = z.output<typeof SuggestionView>;

export const ApproveInput = z
  .strictObject({
    text: z
      .string({ error: rule(`must be a string of 1-${OPENER_TEXT_MAX} characters`) })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(OPENER_TEXT_MAX, { error: `must be at most ${OPENER_TEXT_MAX} characters` })
      .optional()
      .meta({ description: 'Send this instead of the composed text (which is kept as composedText)' }),
  })
  .nullish()
  .meta({ id: 'ApproveBody' });
export type ApproveInput = z.output<typeof ApproveInput>;

export const DismissInput = z
  .strictObject({
    reason: z
      .string({ error: rule('must be a string of 1-500 characters') })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(500, { error: 'must be at most 500 characters' })
      .meta({ description: "Why it is not sent; kept as the suggestion's statusReason" }),
  })
  .meta({ id: 'DismissBody' });
export type DismissInput = z.output<typeof DismissInput>;

const AttemptView = z.object({
  attempt: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z
    .enum(['sent', 'retry', 'permanent', 'unknown', 'lost'])
    .nullable()
    .meta({ description: 'null while in flight; lost: the worker stopped before recording the answer' }),
  reason: z.string().nullable(),
  retryAfterMs: z.number().int().nullable(),
});

export const DeliveryView = z
  .object({
    deliveryId: z.string(),
    suggestionId: z.string(),
    userId: z.string(),
    characterId: z.string(),
    channel: z.enum(CHANNELS),
    address: z.string(),
    audience: z.enum(['private', 'public']).meta({
      description: 'Who reads the address: the user alone, or others too (a group, a server channel)',
    }),
    text: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    reason: z.string().nullable().meta({ description: 'Why it failed, is retried or is unknown' }),
    externalId: z.string().nullable().meta({ description: "The platform's message id, when it gave one" }),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.string().nullable(),
    attemptLog: z.array(AttemptView),
  })
  .meta({ id: 'Delivery' });
export type DeliveryView = z.output<typeof DeliveryView>;

export const DeliveryReport = z
  .strictObject({
    status: z.enum(['sent', 'failed'], { error: 'must be sent or failed' }),
    reason: z
      .string({ error: rule('must be a string of 1-500 characters') })
      .min(1, { error: 'must not be empty' })
      .max(500, { error: 'must be at most 500 characters' })
      .optional(),
    externalId: ExternalId.optional().meta({ description: "The platform's message id" }),
  })
  .meta({ id: 'DeliveryReport' });
export type DeliveryReport = z.output<typeof DeliveryReport>;

export const SuggestionDetail = SuggestionView.extend({
  decision: DecisionView.nullable().meta({
    description: 'The decision that made it, with every check (null once retention deleted it)',
  }),
  deliveries: z.array(DeliveryView),
}).meta({ id: 'SuggestionDetail' });
