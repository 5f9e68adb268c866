import { z } from 'zod';
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
    consent: z.enum(CONSENT),
    consentUpdatedAt: At,
    createdAt: z.string(),
    updatedAt: z.string(),
    activity: ActivityState,
    characters: z.array(
      z.object({
        characterId: z.string(),
        trust: z.number().meta({ description: "The bot's trust in this relationship, in [0, 1]" }),
        activity: ActivityState,
      }),
    ),
  })
  .meta({ id: 'User' });

export type User = z.output<typeof User>;

/** What the bot may set on a (user, character) relationship. */
export const PairPatch = z
  .strictObject({
    trust: Fraction,
  })
  .meta({ id: 'PairPatch' });
export type PairPatch = z.output<typeof PairPatch>;

export const Pair = z
  .object({ userId: z.string(), characterId: z.string(), trust: z.number(), activity: ActivityState })
  .meta({ id: 'Pair' });
