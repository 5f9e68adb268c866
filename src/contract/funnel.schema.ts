import { z } from 'zod';
import { validateFunnel } from '../domain/funnels/validate-funnel.js';
import { ENGAGEMENT_STATES } from '../domain/outcomes/engagement.js';
import { ExternalId, Id, Instant, rule, Text } from './common.js';
import { checkReportPeriod } from './report.schema.js';

const STEP_ID = /^[A-Za-z0-9_-]{1,32}$/;
const StepId = z
  .string({ error: rule('must be a string of 1-32 letters, digits, _ or -') })
  .regex(STEP_ID, { error: 'must be 1-32 letters, digits, _ or -' });

const words = (what: string) =>
  z
    .array(Text(100), { error: rule(`must be a list of ${what}: strings of 1-100 characters`) })
    .max(50, { error: `must list at most 50 ${what}` });

const Choice = z.strictObject({
  choiceId: StepId,
  label: Text(64).meta({ description: 'The button label; typing it does what pressing it does' }),
  action: z.enum(['advance', 'decline'], { error: 'must be "advance" or "decline"' }).meta({
    description: '`decline` abandons the funnel (never a completion, never a positive signal)',
  }),
  next: StepId.optional().meta({
    description: "For `advance`: the step it leads to (default: the step's next)",
  }),
});

const HANDOFF_MAX = 4096;

const Step = z.strictObject({
  stepId: StepId,
  text: Text(1000).meta({
    description:
      'What is sent: "{topic}" is replaced by how the topic is named ("your trip"), "{character}" by the character\'s name',
  }),
  compose: z
    .enum(['template', 'model'], { error: 'must be "template" or "model"' })
    .default('template')
    .meta({
      description:
        "`model`: the character's language model rewrites the text in its voice under the guardrails, the text as written being the fallback",
    }),
  choices: z
    .array(Choice, { error: 'must be a list of choices' })
    .max(8, { error: 'must list at most 8 choices' })
    .default([]),
  intents: z
    .strictObject({
      advance: words('words that advance').default([]),
      decline: words('words that decline').default([]),
      model: z.boolean({ error: 'must be true or false' }).default(false).meta({
        description:
          "A reply the words leave undecided is read by the character's language model, when one is configured (the words' reading stands if it fails or takes over 4 s)",
      }),
    })
    .default({ advance: [], decline: [], model: false })
    .meta({
      description:
        'Typed words (any language) matched on word boundaries after case, accents and apostrophes are normalised; a plain yes advances and a refusal declines without being listed',
    }),
  otherReply: z
    .enum(['advance', 'unrelated'], { error: 'must be "advance" or "unrelated"' })
    .default('unrelated')
    .meta({
      description:
        'A reply that is neither: `advance` takes it as the answer (a question asking for free text); `unrelated` abandons the funnel and leaves the message to the bot',
    }),
  next: StepId.nullable().default(null),
  timeoutMinutes: z
    .number({ error: rule('must be a whole number of minutes from 1 to 43200, or null') })
    .int({ error: 'must be a whole number of minutes' })
    .min(1, { error: 'must be at least 1 minute' })
    .max(30 * 24 * 60, { error: 'must be at most 43200 minutes (30 days)' })
    .nullable()
    .default(null),
  handoff: z
    .record(z.string(), z.unknown(), { error: 'must be an object (the payload the bot gets), or null' })
    .nullable()
    .default(null)
    .superRefine((value, ctx) => {
      if (value !== null && JSON.stringify(value).length > HANDOFF_MAX)
        ctx.addIssue({ code: 'custom', message: `must be at most ${HANDOFF_MAX} characters as JSON` });
    })
    .meta({
      description: "On a last step: given to the bot with the user's next message, which passes through",
    }),
});

const Audience = z
  .strictObject({
    keywords: words('keywords').default([]).meta({
      description:
        'Looked for in what is known of the user; when keywords or goals are given, one must match',
    }),
    goals: words('goals')
      .default([])
      .meta({ description: "Looked for in the user's goals (facts of category goal)" }),
    minEngagement: z
      .enum(ENGAGEMENT_STATES, { error: `must be one of ${ENGAGEMENT_STATES.join(', ')}` })
      .default('engaged'),
    cooldownHours: z
      .number({ error: rule('must be a number of hours from 0 to 8760') })
      .min(0, { error: 'must be >= 0 hours' })
      .max(24 * 365, { error: 'must be <= 8760 hours' })
      .default(24),
  })
  .default({ keywords: [], goals: [], minEngagement: 'engaged', cooldownHours: 24 });

const fields = {
  name: Text(200),
  start: StepId.meta({ description: 'The hook: the step sent as the proactive message' }),
  audience: Audience,
  steps: z
    .array(Step, { error: rule('must be a list of 1-20 steps') })
    .min(1, { error: 'must list at least one step' })
    .max(20, { error: 'must list at most 20 steps' }),
};

/** The rules a funnel as a whole obeys (`validateFunnel`), each at its step and field. */
function checkFunnel(funnel: z.output<z.ZodObject<typeof fields>>, ctx: z.RefinementCtx) {
  for (const issue of validateFunnel({ funnelId: '', ...funnel }))
    ctx.addIssue({ code: 'custom', path: pathOf(issue.path), message: issue.message });
}

/** "steps[2].choices[0].next" as a path: ['steps', 2, 'choices', 0, 'next']. */
function pathOf(path: string): (string | number)[] {
  return path
    .split(/[.[\]]/)
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export const FunnelCreate = z
  .strictObject({
    funnelId: Id.optional().meta({ description: 'Chosen by the caller; generated when absent' }),
    ...fields,
  })
  .superRefine((f, ctx) => checkFunnel(f, ctx))
  .meta({ id: 'FunnelCreate' });
export type FunnelCreate = z.output<typeof FunnelCreate>;

/** A PUT replaces the whole funnel; runs under way finish on the version they started on. */
export const FunnelReplace = z.strictObject(fields).superRefine(checkFunnel).meta({ id: 'FunnelReplace' });
export type FunnelReplace = z.output<typeof FunnelReplace>;

export const Funnel = z
  .object({
    funnelId: z.string(),
    name: z.string(),
    version: z.number().meta({ description: 'Raised by each PUT; a run keeps the version it started on' }),
    start: z.string(),
    audience: z.record(z.string(), z.unknown()),
    steps: z.array(z.record(z.string(), z.unknown())),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Funnel' });
export type FunnelView = z.output<typeof Funnel>;

/** What a trigger starts instead of a single message. */
export const TriggerFunnel = z
  .discriminatedUnion(
    'select',
    [
      z.strictObject({ select: z.literal('named'), funnelId: Id }),
      z.strictObject({ select: z.literal('best') }),
    ],
    { error: 'must be {"select": "best"}, {"select": "named", "funnelId": …} or null' },
  )
  .nullable()
  .meta({
    description:
      'Start a funnel instead of sending one message: a named one, or the best eligible for the user; the plain opener when none fits. null: a single message',
  });

export const ReplyInput = z.strictObject({
  userId: Id,
  characterId: Id,
  text: z
    .string({ error: rule('must be a string of at most 4000 characters') })
    .max(4000, { error: 'must be at most 4000 characters' }),
  messageId: ExternalId.optional().meta({
    description: "The bot's id of the message: forwarded again, it gets the answer it got the first time",
  }),
});
export type ReplyInput = z.output<typeof ReplyInput>;

export const CallbackInput = z.strictObject({
  userId: Id,
  characterId: Id,
  data: z
    .string({ error: rule("must be the button's callback data, a string of 1-64 characters") })
    .min(1, { error: 'must not be empty' })
    .max(64, { error: 'must be at most 64 characters' }),
});
export type CallbackInput = z.output<typeof CallbackInput>;

const NextStep = z.object({
  stepId: z.string(),
  seq: z.number(),
  suggestionId: z.string(),
  text: z.string().nullable().meta({ description: 'Null while the language model writes it' }),
  choices: z.array(z.object({ label: z.string(), data: z.string() })),
});

export const FunnelAnswer = z
  .object({
    consumed: z.boolean().meta({
      description:
        'true: the funnel answers this message (its next step is on its way); false: the bot answers it',
    }),
    event: z.string().meta({
      description:
        'step_advanced, funnel_completed, funnel_abandoned, funnel_expired, handoff, passed_through, outdated or already_ended',
    }),
    reason: z.string(),
    runId: z.string().nullable(),
    funnelId: z.string().nullable(),
    next: NextStep.optional(),
    handoff: z
      .object({ stepId: z.string(), payload: z.record(z.string(), z.unknown()) })
      .optional()
      .meta({
        description: 'At the handoff step: what the bot does with the message, which it answers itself',
      }),
  })
  .meta({ id: 'FunnelAnswer' });
export type FunnelAnswer = z.output<typeof FunnelAnswer>;

export const FunnelReportQuery = z
  .strictObject({ from: Instant, to: Instant })
  .superRefine(checkReportPeriod);
export type FunnelReportQuery = z.output<typeof FunnelReportQuery>;

const StepReport = z.object({
  stepId: z.string(),
  reached: z
    .number()
    .meta({ description: 'Times the step reached a user: the hook leaving, or the step sent' }),
  advanced: z.number(),
  completed: z.number().meta({ description: 'Runs completed at it (handoffs included)' }),
  abandoned: z.record(z.string(), z.number()).meta({
    description: 'Runs abandoned at it, by reason: declined, unrelated, send_failed',
  }),
  expired: z.number(),
  handedOff: z.number(),
  medianSeconds: z.number().nullable().meta({
    description: 'Median seconds from the step reaching the user to the run leaving it',
  }),
});

export const FunnelReport = z
  .object({
    from: z.string(),
    to: z.string(),
    funnels: z.array(
      z.object({
        funnelId: z.string(),
        started: z.number().meta({ description: 'Runs whose hook left in the period' }),
        completed: z.number(),
        abandoned: z.record(z.string(), z.number()),
        expired: z.number(),
        handedOff: z.number(),
        steps: z.array(StepReport),
      }),
    ),
  })
  .meta({ id: 'FunnelReport' });
