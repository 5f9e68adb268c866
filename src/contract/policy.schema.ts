import { z } from 'zod';
import { ENGAGEMENT_STATES } from '../domain/outcomes/engagement.js';
import { DEFAULT_POLICY } from '../domain/policy/policy.js';
import { clock } from '../domain/policy/quiet-hours.js';
import { Fraction, Id, rule, WholeMinutes } from './common.js';

const ClockTime = z
  .string({ error: rule('must be a local time "HH:MM", 00:00 to 23:59') })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time "HH:MM", 00:00 to 23:59' });

const QuietHours = z.strictObject({ start: ClockTime, end: ClockTime }).nullable().meta({
  description:
    "In the user's local time; a window may cross midnight (22:00-08:00) or start at 00:00. null: none.",
});

const Count = (what: string) =>
  z
    .number({ error: rule(`must be a whole number >= 0 or null (${what})`) })
    .int({ error: `must be a whole number >= 0 (${what})` })
    .min(0, { error: `must be >= 0 (${what})` })
    .max(1000, { error: `must be <= 1000 (${what})` })
    .nullable();

const Caps = z.strictObject({
  perDay: Count('messages per local day; null: no limit'),
  perWeek: Count('messages per local week, Monday to Sunday; null: no limit'),
});

const UnknownZone = z.enum(['default_zone', 'hold'], {
  error:
    'must be "default_zone" (quiet hours in the tenant\'s default zone) or "hold" (nothing until the zone is known)',
});

const Backoff = z
  .number({ error: rule('must be a whole number from 1 to 100') })
  .int({ error: 'must be a whole number from 1 to 100' })
  .min(1, { error: 'must be from 1 to 100' })
  .max(100, { error: 'must be from 1 to 100' });

const WEEK = 7 * 24 * 60;

const MinEngagement = z
  .enum(ENGAGEMENT_STATES, { error: `must be null or one of ${ENGAGEMENT_STATES.join(', ')}` })
  .nullable()
  .meta({
    description:
      'The least engagement of the (user, character) pair at which the character may speak first (passive < curious < engaged < proactive, GET /v1/users/{id}); null: any.',
  });

const SnoozeDays = z
  .number({ error: rule('must be a whole number of days from 0 to 30') })
  .int({ error: 'must be a whole number of days from 0 to 30' })
  .min(0, { error: 'must be from 0 to 30 days' })
  .max(30, { error: 'must be from 0 to 30 days' })
  .meta({
    description:
      'A reply meaning "not now" ("busy, later") holds proactive messages from that character to the user for this many days; 0: it does not.',
  });

const LADDER_RULE =
  'must be null or a list of 1 to 10 increasing whole numbers of minutes, each from 1 to 10080';
const RetentionLadder = z
  .array(
    z
      .number({ error: rule(LADDER_RULE) })
      .int({ error: LADDER_RULE })
      .min(1, { error: LADDER_RULE })
      .max(WEEK, { error: LADDER_RULE }),
    { error: rule(LADDER_RULE) },
  )
  .min(1, { error: LADDER_RULE })
  .max(10, { error: LADDER_RULE })
  .refine((steps) => steps.every((m, i) => i === 0 || m > steps[i - 1]!), { error: LADDER_RULE })
  .nullable()
  .meta({
    description:
      'The retention ladder: after the first proactive message left unanswered since the user last wrote, the next may come this many minutes after it, one step per message, then nothing until the user writes. [180, 360]: at T+3 h and T+6 h. null: no ladder (backoffAfterUnanswered still applies).',
  });
const D = DEFAULT_POLICY;
const toClock = (q: typeof D.quietHours) => q && { start: clock(q.startMinute), end: clock(q.endMinute) };

/** What a character may override; absent fields follow the tenant's settings. */
const CharacterOverrides = z.strictObject({
  minTrust: Fraction.optional(),
  quietHours: QuietHours.optional(),
  unknownZone: UnknownZone.optional(),
  characterCaps: Caps.optional(),
  minGapMinutes: WholeMinutes(WEEK).optional(),
  backoffAfterUnanswered: Backoff.optional(),
  midConversationMinutes: WholeMinutes(24 * 60).optional(),
  snoozeDays: SnoozeDays.optional(),
  retentionLadderMinutes: RetentionLadder.optional(),
  minEngagement: MinEngagement.optional(),
});

/** The whole policy, as PUT replaces it; absent fields take their defaults. */
export const PolicyInput = z
  .strictObject({
    allowProactive: z
      .boolean({ error: rule('must be true or false') })
      .default(D.allowProactive)
      .meta({ description: 'The tenant-wide switch: while false nothing is sent or queued first.' }),
    requireOptIn: z
      .boolean({ error: rule('must be true or false') })
      .default(D.requireOptIn)
      .meta({ description: 'When true, users whose consent is unknown are not contacted first.' }),
    minTrust: Fraction.default(D.minTrust),
    quietHours: QuietHours.default(toClock(D.quietHours)),
    unknownZone: UnknownZone.default(D.unknownZone),
    userCaps: Caps.default(D.userCaps).meta({ description: 'Per user, across every character.' }),
    characterCaps: Caps.default(D.characterCaps).meta({ description: 'Per user, from one character.' }),
    minGapMinutes: WholeMinutes(WEEK).default(D.minGapMinutes),
    backoffAfterUnanswered: Backoff.default(D.backoffAfterUnanswered),
    midConversationMinutes: WholeMinutes(24 * 60).default(D.midConversationMinutes),
    snoozeDays: SnoozeDays.default(D.snoozeDays),
    retentionLadderMinutes: RetentionLadder.default(null),
    minEngagement: MinEngagement.default(null),
    attributionWindowMinutes: WholeMinutes(WEEK)
      .refine((minutes) => minutes >= 1, { error: 'must be at least 1 minute' })
      .default(6 * 60)
      .meta({
        description:
          "How long after a proactive message the user's next message to that character counts as its reply (the setting when it is sent applies).",
      }),
    characters: z
      .record(Id, CharacterOverrides)
      .default({})
      .meta({ description: 'Per-character overrides, by character id.' }),
  })
  .meta({ id: 'PolicyBody' });

export type PolicyInput = z.output<typeof PolicyInput>;

export const Policy = PolicyInput.extend({ updatedAt: z.string().nullable() }).meta({ id: 'Policy' });
export type PolicyView = z.output<typeof Policy>;

/** The default policy in the API's shape. */
export const DEFAULT_POLICY_INPUT: PolicyInput = PolicyInput.parse({});
