import type { DeliveryDeps } from '../engine/delivery/delivery.js';
import type { ChannelAdapter, ChannelAdapterFactory } from '../ports/channel.js';

/** Adapters kept for reuse, one per character channel and version of its settings. */
const MAX_ADAPTERS = 1024;

/** The delivery worker's adapters, made once per channel settings, and its jitter. */
export function createDeliveryDeps(factory: ChannelAdapterFactory): DeliveryDeps {
  const adapters = new Map<string, ChannelAdapter>();
  return {
    adapterFor(opened, key) {
      let adapter = adapters.get(key);
      if (!adapter) {
        if (adapters.size >= MAX_ADAPTERS) adapters.delete(adapters.keys().next().value as string);
        adapter = factory(opened);
        adapters.set(key, adapter);
      }
      return adapter;
    },
    random: Math.random,
  };
}
