import { z } from 'zod';
import { ENGAGEMENT_STATES } from '../domain/outcomes/engagement.js';
import { parseDuration } from '../domain/shared/duration.js';
import { cronProblem } from '../domain/triggers/schedule.js';
import { Fraction, Id, rule, TimeZone, WholeMinutes } from './common.js';
import { TriggerFunnel } from './funnel.schema.js';

const positive = (what: string, max: number) =>
  z
    .number({ error: rule(`must be a number > 0 and <= ${max} (${what})`) })
    .gt(0, { error: `must be > 0 (${what})` })
    .max(max, { error: `must be <= ${max} (${what})` });

const capCount = z
  .number({ error: rule('must be a whole number >= 0, or null for no limit') })
  .int({ error: 'must be a whole number >= 0' })
  .min(0, { error: 'must be >= 0' })
  .max(1000, { error: 'must be <= 1000' })
  .nullable();

const Caps = z.strictObject({ perDay: capCount.default(null), perWeek: capCount.default(null) });

const ScheduleZone = z
  .union([z.literal('user'), TimeZone], {
    error: 'must be "user" (each user\'s own zone) or an IANA time zone name, e.g. Europe/Berlin',
  })
  .default('user');

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const scheduleFields = {
  cron: z
    .string({ error: rule('must be a cron expression, e.g. "0 9 * * 1-5"') })
    .max(200)
    .superRefine((value, ctx) => {
      const problem = cronProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid cron expression: ${problem}` });
    })
    .optional()
    .meta({ description: '5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first' }),
  every: z
    .string({ error: rule('must be an ISO 8601 duration, e.g. PT6H or P1D') })
    .superRefine((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < 60_000)
        ctx.addIssue({
          code: 'custom',
          message: 'must be an ISO 8601 duration of at least one minute, e.g. PT6H or P1D',
        });
    })
    .optional()
    .meta({ description: 'A fixed interval on the local wall clock, from `startsAt`' }),
  startsAt: z
    .string({ error: rule('must be a local date and time "YYYY-MM-DDTHH:MM"') })
    .regex(LOCAL_TIME, {
      error: 'must be a local date and time "YYYY-MM-DDTHH:MM" (no offset: it is read in the zone)',
    })
    .optional(),
  zone: ScheduleZone,
};

/** Exactly one of cron and every; startsAt with every only. */
function checkSchedule(spec: { cron?: string; every?: string; startsAt?: string }, ctx: z.RefinementCtx) {
  if ((spec.cron === undefined) === (spec.every === undefined))
    ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give exactly one of "cron" and "every"' });
  if (spec.every !== undefined && spec.startsAt === undefined)
    ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'is required with "every"' });
  if (spec.cron !== undefined && spec.startsAt !== undefined)
    ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'is only for "every"' });
}

const Schedule = z
  .strictObject({ kind: z.literal('schedule'), ...scheduleFields })
  .superRefine(checkSchedule);

const LlmJudged = z
  .strictObject({
    kind: z.literal('llm'),
    question: z
      .string({ error: rule('must be a yes/no question of 1-1000 characters') })
      .trim()
      .min(1, { error: 'must be a yes/no question of 1-1000 characters' })
      .max(1000, { error: 'must be a yes/no question of 1-1000 characters' })
      .meta({
        description:
          'Asked of the language model about what is known of the user, e.g. "Did they mention something this week worth asking about?"',
      }),
    ...scheduleFields,
  })
  .superRefine(checkSchedule)
  .meta({
    description: 'On its schedule, a language model is asked the question; only a yes makes a message',
  });

const TriggerSpec = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('silence'),
      afterHours: positive('hours without a message either way', 24 * 365),
    }),
    z.strictObject({
      kind: z.literal('active_now'),
      minScore: Fraction.default(0.8),
    }),
    Schedule,
    LlmJudged,
    z.strictObject({
      kind: z.literal('event'),
      event: z
        .string({ error: rule('must be an event kind (e.g. message_out) or a custom event name') })
        .regex(/^[a-z][a-z0-9_.:-]{0,63}$/, {
          error:
            'must be an event kind (e.g. message_out) or a custom event name: 1-64 lowercase letters, digits, _ . : or -',
        }),
      filter: z
        .record(z.string().min(1).max(100), z.union([z.string(), z.number(), z.boolean()]), {
          error: 'must map event fields (e.g. channel, meta.plan) to a string, number or boolean',
        })
        .default({}),
      delayMinutes: WholeMinutes(30 * 24 * 60).default(0),
    }),
    z.strictObject({ kind: z.literal('webhook') }),
    z.strictObject({
      kind: z.literal('follow_up'),
      delayMinutes: WholeMinutes(30 * 24 * 60)
        .default(120)
        .meta({ description: 'After the open loop is due (default 120)' }),
    }),
  ],
  { error: 'must be silence, active_now, schedule, event, webhook, follow_up or llm' },
);

const fields = {
  name: z
    .string({ error: rule('must be a string of 1-200 characters') })
    .min(1)
    .max(200),
  enabled: z.boolean({ error: rule('must be true or false') }),
  characterIds: z
    .array(Id)
    .min(1, { error: 'must list at least one character, or be null for all' })
    .max(1000)
    .nullable()
    .meta({ description: 'null: every character of the tenant' }),
  approval: z.enum(['auto', 'suggest', 'manual'], { error: 'must be "auto", "suggest" or "manual"' }),
  priority: z
    .number({ error: rule('must be a whole number from -1000 to 1000') })
    .int({ error: 'must be a whole number' })
    .min(-1000)
    .max(1000),
  cooldownMinutes: WholeMinutes(365 * 24 * 60),
  caps: Caps,
  expiryMinutes: WholeMinutes(30 * 24 * 60).refine((m) => m > 0, { error: 'must be > 0 minutes' }),
  atGoodTime: z.boolean({ error: rule('must be true or false') }),
  minEngagement: z
    .enum(ENGAGEMENT_STATES, { error: `must be null or one of ${ENGAGEMENT_STATES.join(', ')}` })
    .nullable()
    .meta({
      description:
        'The least engagement of the (user, character) pair at which it fires (passive < curious < engaged < proactive); null: any',
    }),
  holdoutPercent: z
    .number({ error: rule('must be a number from 0 to 50 (percent of decisions held out)') })
    .min(0, { error: 'must be >= 0 (percent of decisions held out)' })
    .max(50, { error: 'must be <= 50 (percent of decisions held out)' })
    .meta({
      description:
        'The percentage of decisions to speak that are held out (not sent) to measure lift: 0 (default) to 50',
    }),
  holdoutUnit: z.enum(['user', 'decision'], { error: 'must be "user" or "decision"' }).meta({
    description:
      '"user" (default): one draw per user and trigger, the same user always held out or not; "decision": one per occasion',
  }),
};

export const TriggerCreate = z
  .strictObject({
    id: Id.optional().meta({ description: 'Chosen by the caller; generated when absent' }),
    spec: TriggerSpec,
    name: fields.name,
    enabled: fields.enabled.default(true),
    characterIds: fields.characterIds.default(null),
    approval: fields.approval.default('auto'),
    priority: fields.priority.default(0),
    cooldownMinutes: fields.cooldownMinutes.default(24 * 60),
    caps: Caps.default({ perDay: null, perWeek: null }),
    expiryMinutes: fields.expiryMinutes.default(24 * 60),
    // absent: true for follow_up (ask at an hour the user is around), false for the others
    atGoodTime: fields.atGoodTime
      .optional()
      .meta({ description: 'Default: true for follow_up triggers, false for the others' }),
    minEngagement: fields.minEngagement.default(null),
    holdoutPercent: fields.holdoutPercent.default(0),
    holdoutUnit: fields.holdoutUnit.default('user'),
    funnel: TriggerFunnel.default(null),
  })
  .meta({ id: 'TriggerCreate' });
export type TriggerCreate = z.output<typeof TriggerCreate>;

/** A PATCH: only the fields named change; the kind cannot (delete and create instead). */
export const TriggerPatch = z
  .strictObject({
    spec: TriggerSpec.optional(),
    name: fields.name.optional(),
    enabled: fields.enabled.optional(),
    characterIds: fields.characterIds.optional(),
    approval: fields.approval.optional(),
    priority: fields.priority.optional(),
    cooldownMinutes: fields.cooldownMinutes.optional(),
    caps: Caps.optional(),
    expiryMinutes: fields.expiryMinutes.optional(),
    atGoodTime: fields.atGoodTime.optional(),
    minEngagement: fields.minEngagement.optional(),
    holdoutPercent: fields.holdoutPercent.optional(),
    holdoutUnit: fields.holdoutUnit.optional(),
    funnel: TriggerFunnel.optional(),
  })
  .meta({ id: 'TriggerPatch' });
export type TriggerPatch = z.output<typeof TriggerPatch>;

export const Trigger = z
  .object({
    triggerId: z.string(),
    name: z.string(),
    spec: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
    characterIds: z.array(z.string()).nullable(),
    approval: z.string(),
    priority: z.number(),
    cooldownMinutes: z.number(),
    caps: z.object({ perDay: z.number().nullable(), perWeek: z.number().nullable() }),
    expiryMinutes: z.number(),
    atGoodTime: z.boolean(),
    minEngagement: z.string().nullable(),
    holdoutPercent: z.number(),
    holdoutUnit: z.enum(['user', 'decision']),
    funnel: z.record(z.string(), z.unknown()).nullable(),
    builtin: z.boolean(),
    hookUrl: z.string().optional().meta({ description: 'For webhook triggers: where to POST' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    enabledAt: z.string().meta({
      description: 'When it was created or last enabled; a schedule fires only for occurrences after it',
    }),
  })
  .meta({ id: 'Trigger' });
export type TriggerView = z.output<typeof Trigger>;

/** Whom `POST /v1/triggers/{id}/test` decides for: one user and character. */
export const TriggerTestInput = z.strictObject({ userId: Id, characterId: Id });
export type TriggerTestInput = z.output<typeof TriggerTestInput>;
