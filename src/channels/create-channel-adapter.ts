import { assertNever } from '../domain/shared/assert-never.js';
import { defaultGuardedFetch } from '../net/outbound-guard.js';
import type { ChannelAdapter } from '../ports/channel.js';
import { DiscordChannel } from './discord/discord-channel.js';
import type { ChannelOptions, ChannelSettings } from './shared/settings.js';
import { SlackChannel } from './slack/slack-channel.js';
import { TelegramChannel } from './telegram/telegram-channel.js';
import { WebhookChannel } from './webhook/webhook-channel.js';

/**
 * The adapter the settings describe. Nothing is called until it sends; a base URL that is not
 * http(s) throws here, as a configuration mistake.
 *
 * @example
 * const adapter = createChannelAdapter({ channel: 'telegram', token }, { timeoutMs: 10_000, now: () => new Date() });
 * const result = await adapter.send(message, signal); // { outcome: 'sent', externalId: '4711' }
 */
export function createChannelAdapter(settings: ChannelSettings, options: ChannelOptions): ChannelAdapter {
  const { timeoutMs } = options;
  const fetch = options.fetch ?? defaultGuardedFetch();
  switch (settings.channel) {
    case 'telegram':
      return new TelegramChannel({ token: settings.token, apiRoot: settings.apiRoot, timeoutMs, fetch });
    case 'discord':
      return new DiscordChannel({ token: settings.token, apiBase: settings.apiBase, timeoutMs, fetch });
    case 'slack':
      return new SlackChannel({ token: settings.token, apiUrl: settings.apiUrl, timeoutMs, fetch });
    case 'webhook':
      return new WebhookChannel({
        url: settings.url,
        secret: settings.secret,
        timeoutMs,
        now: options.now,
        fetch,
      });
    default:
      return assertNever(settings);
  }
}
