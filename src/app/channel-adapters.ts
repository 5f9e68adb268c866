import type { ChannelSettings } from '../channels/shared/settings.js';
import type { OutboundGuard } from '../net/outbound-guard.js';
import type { ChannelAdapterFactory, OpenedChannel } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';

/**
 * The real channel adapters (src/channels), each send limited to `timeoutMs`, each calling through
 * its tenant's guarded fetch. Their client libraries (grammY, @discordjs/rest, @slack/web-api) load
 * with the first adapter made, not at start: a third of the modules a start would load otherwise.
 */
export function defaultChannelAdapters(
  timeoutMs: number,
  clock: Clock,
  outbound: OutboundGuard,
): ChannelAdapterFactory {
  return async (opened) => {
    const { createChannelAdapter } = await import('../channels/create-channel-adapter.js');
    return createChannelAdapter(toSettings(opened), {
      timeoutMs,
      now: () => clock.now(),
      fetch: outbound.fetchFor(opened.tenantId),
    });
  };
}

/** A character's stored channel (settings validated on the way in, secret opened) as an adapter's settings. */
function toSettings({ channel, settings, secret }: OpenedChannel): ChannelSettings {
  const text = (key: string) => (typeof settings[key] === 'string' ? (settings[key] as string) : undefined);
  switch (channel) {
    case 'telegram':
      return { channel, token: secret, apiRoot: text('apiRoot') };
    case 'discord':
      return { channel, token: secret, apiBase: text('apiBase') };
    case 'slack':
      return { channel, token: secret, apiUrl: text('apiUrl') };
    case 'webhook':
      return { channel, url: text('url') ?? '', secret };
  }
}
