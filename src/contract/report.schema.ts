import { z } from 'zod';
import { REPLY_MEANINGS } from '../domain/outcomes/reply-meaning.js';
import { Instant } from './common.js';

export const REPORT_GROUPS = ['trigger', 'character', 'day', 'hourOfWeek', 'composer', 'topicKind'] as const;

/** The longest period one report covers. */
export const MAX_REPORT_DAYS = 92;
const DAY = 86_400_000;

/** A report's period, when both ends are given: `to` after `from`, at most {@link MAX_REPORT_DAYS} days on. */
export function checkReportPeriod(q: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (q.from === undefined || q.to === undefined) return;
  const span = Date.parse(q.to) - Date.parse(q.from);
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (span > MAX_REPORT_DAYS * DAY)
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `must be at most ${MAX_REPORT_DAYS} days after from`,
    });
}

/** `GET /v1/reports/engagement`'s query: a period (default the last 7 days) and what to group by. */
export const EngagementReportQuery = z
  .strictObject({
    from: Instant.optional().meta({
      description: 'Start of the period (inclusive); default `to` minus 7 days',
    }),
    to: Instant.optional().meta({ description: 'End of the period (exclusive); default now' }),
    groupBy: z
      .enum(REPORT_GROUPS, { error: `must be one of ${REPORT_GROUPS.join(', ')}` })
      .default('trigger'),
  })
  .superRefine(checkReportPeriod);
export type EngagementReportQuery = z.output<typeof EngagementReportQuery>;

const Arm = z.object({
  users: z
    .number()
    .meta({ description: 'Users whose first exposure of the group in the period is in this arm' }),
  returned: z
    .number()
    .meta({ description: 'Of those, how many wrote to the character within 72 h after it' }),
});

const Meanings = z.object(
  Object.fromEntries(REPLY_MEANINGS.map((m) => [m, z.number()])) as {
    [M in (typeof REPLY_MEANINGS)[number]]: z.ZodNumber;
  },
);

/** One group of the report. */
export const EngagementGroup = z
  .object({
    key: z.string().nullable().meta({
      description:
        'The trigger, character, local day (YYYY-MM-DD), local hour of the week (0 = Monday 00:00), composer or topic kind; null: none (a held-out decision has no composer or topic)',
    }),
    sent: z
      .number()
      .meta({ description: 'Messages that left (delivered, or handed over without an answer)' }),
    delivered: z.number().meta({ description: 'Messages the platform took' }),
    replied: z.number(),
    replyRate: z.number().nullable().meta({ description: 'replied / delivered; null with none delivered' }),
    medianReplyLatencySeconds: z.number().nullable(),
    meanings: Meanings,
    feedback: z.object({ positive: z.number(), negative: z.number() }),
    optOuts: z.number().meta({ description: 'Replies meaning stop to messages of the group' }),
    returns72h: z.object({ sent: Arm, heldOut: Arm }),
    lift: z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable().meta({
      description:
        "Share returned after a message minus after a held-out decision, with its 95% interval (Newcombe's hybrid score); null when either arm is empty",
    }),
  })
  .meta({ id: 'EngagementGroup' });

export const EngagementReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(REPORT_GROUPS),
    groups: z.array(EngagementGroup),
    optOuts: z
      .number()
      .meta({ description: "The tenant's opt-outs in the period (a stop, audited as consent.opted_out)" }),
  })
  .meta({ id: 'EngagementReport' });
