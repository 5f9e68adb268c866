import { z } from 'zod';
import { TONES } from '../domain/compose/template.js';
import { ChannelName, Locale, TimeZone } from './common.js';

/** The whole character, as PUT replaces it; absent fields take their defaults. */
export const CharacterInput = z
  .strictObject({
    name: z.string().min(1).max(200).nullable().default(null),
    persona: z.string().max(20_000).nullable().default(null).meta({
      description: 'How the character speaks; used when composing openers.',
    }),
    proactiveEnabled: z.boolean().default(true).meta({
      description: 'Whether this character may speak first (the tenant-wide switch must allow it too).',
    }),
    defaults: z
      .strictObject({
        timezone: TimeZone.optional(),
        locale: Locale.optional(),
        channel: ChannelName.optional(),
        publicChannels: z.array(ChannelName).max(10).optional().meta({
          description:
            "Channels where this character's users are reached in a shared place (a group, a server channel): their addresses there are public unless an address says otherwise. Sensitive facts are never used there, and a private chat is preferred when one is reachable.",
        }),
      })
      .default({})
      .meta({ description: 'Used for users of this character who have no value of their own.' }),
    voice: z
      .strictObject({
        tone: z.enum(TONES, { error: `must be one of ${TONES.join(', ')}` }).default('warm'),
      })
      .default({ tone: 'warm' })
      .meta({ description: 'How the character sounds when it writes first (template openers)' }),
  })
  .meta({ id: 'CharacterBody' });

export type CharacterInput = z.output<typeof CharacterInput>;

export const Character = z
  .object({
    characterId: z.string(),
    name: z.string().nullable(),
    persona: z.string().nullable(),
    proactiveEnabled: z.boolean(),
    defaults: z.object({
      timezone: z.string().optional(),
      locale: z.string().optional(),
      channel: z.string().optional(),
      publicChannels: z.array(z.string()).optional(),
    }),
    voice: z.object({ tone: z.enum(TONES) }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Character' });

export type Character = z.output<typeof Character>;
