import { z } from 'zod';
import { Id } from './common.js';

/** One check of a decision, as the API shows it. */
export const CheckView = z
  .object({
    check: z.string(),
    passed: z.boolean(),
    note: z.string().optional().meta({
      description: 'What the check found, as a stable code (e.g. opted_out, blocked, next_good_hour)',
    }),
    detail: z.string().meta({ description: 'What the check found, in words' }),
    triggerId: z.string().optional(),
    value: z.number().optional(),
    limit: z.number().optional(),
    at: z.string().optional(),
    until: z.string().optional().meta({ description: 'For a check that time resolves: from when it passes' }),
    minutes: z
      .number()
      .optional()
      .meta({ description: 'The minutes a conversation, a gap, a cooldown or a ladder step lasts' }),
    eventId: z.string().optional().meta({ description: 'For consent: the message that opted the user out' }),
    funnels: z
      .array(
        z.object({
          funnelId: z.string(),
          verdict: z.enum([
            'chosen',
            'eligible',
            'not_engaged',
            'cooldown',
            'no_match',
            'not_named',
            'run_active',
          ]),
          score: z.number(),
          matched: z.array(z.string()),
        }),
      )
      .optional()
      .meta({
        description:
          'For funnel: each funnel weighed, with its verdict, its score (a goal matched counts 2, a keyword 1, each recent refusal -1) and the words matched',
      }),
  })
  .meta({ id: 'Check' });

export const OccasionView = z
  .object({ triggerId: z.string(), key: z.string(), at: z.string(), expiresAt: z.string() })
  .meta({ id: 'Occasion' });

const ACTIONS = ['send', 'queue', 'defer', 'skip', 'held_out'] as const;

/** A stored decision: what was decided for a pair, why, and every check. */
export const DecisionView = z
  .object({
    decisionId: z.string(),
    userId: z.string(),
    characterId: z.string(),
    decidedAt: z.string(),
    action: z.enum(ACTIONS),
    reason: z.string().nullable().meta({ description: 'For skip: the check that failed, or nothing_due' }),
    until: z.string().nullable().meta({ description: 'For defer: when it is decided again' }),
    occasion: OccasionView.nullable(),
    suggestionId: z.string().nullable().meta({ description: 'For send and queue: the suggestion made' }),
    holdoutProbability: z.number().nullable().meta({
      description:
        "Under a trigger's holdout (send, queue or held_out): the probability of being held out; null otherwise",
    }),
    outcome: z
      .object({
        status: z.enum(['pending', 'replied', 'ignored']),
        windowEndsAt: z.string(),
        repliedAt: z.string().nullable(),
        replyEventId: z.string().nullable(),
        latencySeconds: z.number().nullable(),
      })
      .nullable()
      .meta({
        description:
          "For held_out: what became of it, measured from the decision's time as a sent message's is from its sending (the user's first message to the character within the attribution window); null otherwise",
      }),
    trace: z.array(CheckView),
  })
  .meta({ id: 'Decision' });

export const DecisionQuery = z.strictObject({
  userId: Id,
  characterId: Id.optional(),
  action: z.enum(ACTIONS, { error: `must be one of ${ACTIONS.join(', ')}` }).optional(),
  before: z.string().max(64).optional().meta({ description: 'The `next` value of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DecisionQuery = z.output<typeof DecisionQuery>;
