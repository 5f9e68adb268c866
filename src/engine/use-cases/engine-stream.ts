import type { StreamListener } from '../kernel/stream.js';

/** Each tenant's live events, on this instance (`engine.stream`). */
export interface EngineStream {
  /**
   * Calls `listener` with each of the tenant's stream events from now on, from whichever
   * instance emitted it; returns the function that unsubscribes. A live feed: what happened
   * before, or while this instance was cut off from the database, is read from the suggestions.
   */
  subscribe(tenantId: string, listener: StreamListener): () => void;
  /** Open subscriptions on this instance, every tenant's. */
  listenerCount(): number;
}
