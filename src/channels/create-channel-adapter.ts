import type { ChannelAdapter } from '../ports/channel.js';
import type { ChannelOptions, ChannelSettings } from './settings.js';
import { TelegramChannel } from './telegram/telegram-channel.js';

/**
 * The adapter the settings describe. Nothing is called until it sends; a base URL that is not
 * http(s) throws here, as a configuration mistake.
 *
 * @example
 * const adapter = createChannelAdapter({ channel: 'telegram', token }, { timeoutMs: 10_000, now: () => new Date() });
 * const result = await adapter.send(message, signal); // { outcome: 'sent', externalId: '4711' }
 */
export function createChannelAdapter(settings: ChannelSettings, options: ChannelOptions): ChannelAdapter {
  // One channel so far; the switch over `settings.channel` comes with the second.
  return new TelegramChannel({
    token: settings.token,
    apiRoot: settings.apiRoot,
    timeoutMs: options.timeoutMs,
  });
}
