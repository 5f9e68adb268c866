import { z } from 'zod';
import { CHANNELS, type Channel } from '../ports/channel.js';
import { HttpUrl, rule } from './common.js';

const Token = (what: string) =>
  z
    .string({ error: rule(`must be the ${what} as a string of 8-512 characters`) })
    .min(8, { error: 'must be at least 8 characters' })
    .max(512, { error: 'must be at most 512 characters' })
    .meta({ description: `The ${what}; stored sealed, never returned. Omit it to keep the stored one.` });

/** The settings each channel takes; a token or secret may be omitted to keep the stored one. */
export const CHANNEL_INPUTS = {
  telegram: z
    .strictObject({
      token: Token('bot token from @BotFather').optional(),
      apiRoot: HttpUrl.optional().meta({
        description: "A self-hosted Bot API server's root, e.g. http://127.0.0.1:8081 (default Telegram's)",
      }),
    })
    .meta({ id: 'TelegramChannelBody' }),
  discord: z
    .strictObject({
      token: Token('bot token').optional(),
      apiBase: HttpUrl.optional().meta({ description: "The API's base URL, e.g. https://discord.com/api" }),
    })
    .meta({ id: 'DiscordChannelBody' }),
  slack: z
    .strictObject({
      token: Token('bot token (xoxb-...)').optional(),
      apiUrl: HttpUrl.optional().meta({ description: "The Web API's URL, e.g. https://slack.com/api/" }),
    })
    .meta({ id: 'SlackChannelBody' }),
  webhook: z
    .strictObject({
      url: HttpUrl.meta({
        description: "The bot's endpoint that receives each message as a signed JSON POST",
      }),
      secret: z
        .string({ error: rule('must be a string of 16-512 characters') })
        .min(16, { error: 'must be at least 16 characters' })
        .max(512, { error: 'must be at most 512 characters' })
        .optional()
        .meta({
          description:
            'Signs every POST (HMAC-SHA256); stored sealed, never returned. Omit it to keep the stored one.',
        }),
    })
    .meta({ id: 'WebhookChannelBody' }),
  stream: z
    .strictObject({
      reportWithinMinutes: z
        .number({ error: rule('must be a whole number of minutes, 1-1440') })
        .int({ error: 'must be a whole number of minutes' })
        .min(1, { error: 'must be at least 1' })
        .max(1440, { error: 'must be at most 1440' })
        .default(10)
        .meta({
          description:
            'How long the bot has to report what became of a message handed to it before the delivery is marked unknown (default 10)',
        }),
    })
    .meta({ id: 'StreamChannelBody' }),
} as const satisfies Record<Channel, z.ZodType>;

/** The secret field of each channel that has one. */
export const SECRET_FIELD: Partial<Record<Channel, 'token' | 'secret'>> = {
  telegram: 'token',
  discord: 'token',
  slack: 'token',
  webhook: 'secret',
};

export const ChannelParam = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` });

export const ChannelView = z
  .object({
    characterId: z.string(),
    channel: z.enum(CHANNELS),
    settings: z.record(z.string(), z.unknown()).meta({
      description: 'What was set, without the token or secret (apiRoot, apiBase, apiUrl, url, ...)',
    }),
    hasSecret: z
      .boolean()
      .meta({ description: 'A token or signing secret is stored (sealed); it is never shown' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Channel' });
export type ChannelView = z.output<typeof ChannelView>;
