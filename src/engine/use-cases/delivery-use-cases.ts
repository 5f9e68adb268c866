import type { z } from 'zod';
import { type CHANNEL_INPUTS, ChannelParam } from '../../contract/channel.schema.js';
import { parseInput } from '../../contract/issues.js';
import { DeliveryReport } from '../../contract/suggestion.schema.js';
import type { Channel } from '../../ports/channel.js';
import {
  getChannelSettings,
  listCharacterChannels,
  removeChannelSettings,
  saveChannelSettings,
} from '../delivery/channel-settings.js';
import { reportDeliveryOutcome } from '../delivery/delivery-report.js';
import type { TenantScope } from './tenant-scope.js';

/** How a character reaches its users (its channels), and what became of a message the bot sent itself. */
export function deliveryUseCases({ ctx, tenantId, actor }: TenantScope) {
  return {
    /**
     * Configures how a character sends on a channel (telegram `{token, apiRoot?}`, discord
     * `{token, apiBase?}`, slack `{token, apiUrl?}`, webhook `{url, secret}`, stream `{}` or none);
     * the token or secret is sealed (needs `secretKey`) and never returned.
     */
    putChannel: <C extends Channel>(
      characterId: string,
      channel: C,
      input?: z.input<(typeof CHANNEL_INPUTS)[C]>,
    ) =>
      saveChannelSettings(
        ctx,
        tenantId,
        characterId,
        parseInput(ChannelParam, channel, 'channel'),
        input,
        actor,
      ),
    getChannel: (characterId: string, channel: Channel) =>
      getChannelSettings(ctx, tenantId, characterId, parseInput(ChannelParam, channel, 'channel')),
    listChannels: (characterId: string) => listCharacterChannels(ctx, tenantId, characterId),
    /** Stops sending on the channel for the character (deliveries queued for it then fail, saying so). */
    deleteChannel: (characterId: string, channel: Channel) =>
      removeChannelSettings(ctx, tenantId, characterId, parseInput(ChannelParam, channel, 'channel'), actor),
    /** What became of a message handed to the bot on the stream, or of one whose outcome is unknown. */
    reportDelivery: (deliveryId: string, report: z.input<typeof DeliveryReport>) =>
      reportDeliveryOutcome(ctx, tenantId, deliveryId, parseInput(DeliveryReport, report), actor),
  };
}
