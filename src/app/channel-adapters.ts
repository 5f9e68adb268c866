import type { ChannelAdapterFactory } from '../ports/channel.js';
import type { Clock } from '../ports/clock.js';

/** The real channel adapters (src/channels), each call to a platform limited to `timeoutMs`. */
export function defaultChannelAdapters(_timeoutMs: number, _clock: Clock): ChannelAdapterFactory {
  return (opened) => {
    throw new Error(`the ${opened.channel} adapter is not built yet`);
  };
}
