import { z } from 'zod';
import { ENGAGEMENT_STATES } from '../domain/outcomes/engagement.js';
import { CONSENT } from '../domain/suggestions/lifecycle.js';
import { ChannelName, Fraction, Locale, TimeZone } from './common.js';

const Address = z.string().min(1).max(256);

/** An address as given: the platform's id, or the id and whether others read what is sent there. */
const AddressEntry = z.union([
  Address,
  z.strictObject({
    address: Address,
    public: z.boolean().meta({
      description: 'True for a group or server channel that others read; false for a private chat',
    }),
  }),
]);

/** A partial update; `null` clears `timezone` and `locale`, and removes an address. */
export const UserPatch = z
  .strictObject({
    timezone: TimeZone.nullable().optional(),
    locale: Locale.nullable().optional(),
    addresses: z.record(ChannelName, AddressEntry.nullable()).optional().meta({
      description:
        'The user\'s address per channel, e.g. {"telegram": "123456789"}, or {"discord": {"address": "1122334455", "public": true}} for a shared place (a group, a server channel) that others read. Merged into the stored addresses; null removes one. A plain string says nothing of who reads it: the character\'s `defaults.publicChannels` decides, else it is a private chat. Setting one (even to the same value) clears its unreachable mark.',
    }),
    consent: z.enum(CONSENT).optional(),
    preferredChannel: ChannelName.nullable().optional().meta({
      description:
        'The channel the user asked to be reached on (tried first, when the character sends on it and the user has an address there); null clears it',
    }),
  })
  .meta({ id: 'UserPatch' });

export type UserPatch = z.output<typeof UserPatch>;

const At = z.string().nullable();

/** What ingest keeps per user and per (user, character): instants (ISO 8601) and counts. */
export const ActivityState = z
  .object({
    firstEventAt: At,
    lastEventAt: At,
    lastActivityAt: At.meta({
      description: 'Last event done by the user (message_in, session_start, reaction, feedback)',
    }),
    lastInboundAt: At,
    lastOutboundAt: At,
    lastSessionStartAt: At,
    lastSessionEndAt: At,
    inboundCount: z.number().int(),
    outboundCount: z.number().int(),
    sessionCount: z.number().int(),
    eventCount: z.number().int(),
  })
  .meta({ id: 'ActivityState' });

export type ActivityState = z.output<typeof ActivityState>;

/** A (user, character) relationship: trust, the pair's own consent and snooze, its activity. */
const PairState = z.object({
  characterId: z.string(),
  trust: z.number().meta({ description: "The bot's trust in this relationship, in [0, 1]" }),
  consent: z.enum(CONSENT).meta({
    description:
      "The pair's own consent: `opted_out` after the user told this character to stop (or through the API); `unknown` follows the user's. The user's own opt-out applies to every character whatever this says.",
  }),
  consentUpdatedAt: At,
  consentEventId: z.string().nullable().meta({ description: 'The message that set it, when one did' }),
  snoozedUntil: At.meta({
    description: 'After a reply meaning "not now": no proactive message from this character before then',
  }),
  snoozedBy: z.string().nullable().meta({ description: 'The reply that asked for the snooze' }),
  engagement: z
    .object({
      score: z.number().meta({ description: 'From 0 to 100, decayed (14-day half-life) and read now' }),
      state: z.enum(ENGAGEMENT_STATES),
      since: At.meta({ description: 'When the current state was entered; null: never out of passive' }),
    })
    .meta({
      description:
        'How engaged the user is with this character now, from replies to its proactive messages (speed, meaning), ignored ones, feedback, refusals and conversations the user started (docs/OUTCOMES.md). `minEngagement` in the policy or a trigger reads it.',
    }),
  activity: ActivityState,
});

export const User = z
  .object({
    userId: z.string(),
    timezone: z.string().nullable(),
    locale: z.string().nullable(),
    addresses: z.record(z.string(), z.string()),
    addressAudiences: z.record(z.string(), z.enum(['public', 'private'])).meta({
      description:
        "Who reads each address, where the user's address says so; any other address takes the character's `defaults.publicChannels`, else it is private",
    }),
    preferredChannel: z.string().nullable(),
    unreachable: z
      .array(z.object({ channel: z.string(), address: z.string(), reason: z.string(), at: z.string() }))
      .meta({
        description:
          'Addresses a platform said never work (blocked, chat not found): passed over until the address is set again',
      }),
    consent: z.enum(CONSENT).meta({
      description:
        "The user's consent to proactive messages from every character; `opted_out` also when a message asked every character to stop",
    }),
    consentUpdatedAt: At,
    consentEventId: z.string().nullable().meta({
      description: 'The message that set the consent ("stop messaging me, all of you"), when one did',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    activity: ActivityState,
    characters: z.array(PairState),
  })
  .meta({ id: 'User' });

export type User = z.output<typeof User>;

/** What the bot may set on a (user, character) relationship. */
export const PairPatch = z
  .strictObject({
    trust: Fraction.optional(),
    consent: z.enum(CONSENT).optional().meta({
      description:
        "The pair's own consent. `opted_in` reverses a stop the user typed to this character; `unknown` makes the user's consent apply again. Audited.",
    }),
  })
  .refine((p) => p.trust !== undefined || p.consent !== undefined, {
    error: 'must set trust or consent',
  })
  .meta({ id: 'PairPatch' });
export type PairPatch = z.output<typeof PairPatch>;

export const Pair = PairState.extend({ userId: z.string() }).meta({ id: 'Pair' });
