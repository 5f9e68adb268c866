import { BoundedMap } from '../domain/shared/bounded-map.js';
import type { DeliveryDeps } from '../engine/delivery/delivery.js';
import type { ChannelAdapter, ChannelAdapterFactory } from '../ports/channel.js';

/** Adapters kept for reuse, one per character channel and version of its settings. */
const MAX_ADAPTERS = 1024;

/**
 * The delivery worker's adapters, made once per channel settings, and its jitter. Settings that
 * make no adapter are not remembered: each delivery on them fails with the reason.
 */
export function createDeliveryDeps(factory: ChannelAdapterFactory): DeliveryDeps {
  const adapters = new BoundedMap<string, Promise<ChannelAdapter>>(MAX_ADAPTERS);
  return {
    adapterFor: (opened, key) =>
      adapters.getOrSet(key, () => {
        const made = (async () => factory(opened))();
        made.catch(() => adapters.get(key) === made && adapters.delete(key));
        return made;
      }),
    random: Math.random,
  };
}
