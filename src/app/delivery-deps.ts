import { BoundedMap } from '../domain/shared/bounded-map.js';
import type { DeliveryDeps } from '../engine/delivery/delivery.js';
import type { ChannelAdapter, ChannelAdapterFactory } from '../ports/channel.js';

/** Adapters kept for reuse, one per character channel and version of its settings. */
const MAX_ADAPTERS = 1024;

/** The delivery worker's adapters, made once per channel settings, and its jitter. */
export function createDeliveryDeps(factory: ChannelAdapterFactory): DeliveryDeps {
  const adapters = new BoundedMap<string, ChannelAdapter>(MAX_ADAPTERS);
  return {
    adapterFor: (opened, key) => adapters.getOrSet(key, () => factory(opened)),
    random: Math.random,
  };
}
