import type { StreamEvent } from '../../contract/stream-event.js';
import type { Logger } from '../../ports/logger.js';

/** What a stream subscriber is called with, each of its tenant's events. */
export type StreamListener = (event: StreamEvent) => void;

/**
 * The subscribers of each tenant on this instance. Events reach it from this instance's engine
 * and, on PostgreSQL, from the other instances (app/stream-relay.ts); it hands each one to its
 * own tenant's listeners only. A throwing listener is logged and never stops the others.
 */
export class StreamHub {
  readonly #byTenant = new Map<string, Set<StreamListener>>();

  constructor(private readonly logger: Logger) {}

  /** Calls `listener` with each of the tenant's events from now on; returns the unsubscribe. */
  subscribe(tenantId: string, listener: StreamListener): () => void {
    let set = this.#byTenant.get(tenantId);
    if (!set) {
      set = new Set();
      this.#byTenant.set(tenantId, set);
    }
    // a wrapper, so one function subscribed twice gets two subscriptions, each removable once
    const entry: StreamListener = (event) => listener(event);
    set.add(entry);
    return () => {
      const current = this.#byTenant.get(tenantId);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#byTenant.delete(tenantId);
    };
  }

  deliver(event: StreamEvent): void {
    const listeners = this.#byTenant.get(event.data.tenantId);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, event: event.type }, 'stream listener failed');
      }
    }
  }

  /** Subscriptions open on this instance, over every tenant. */
  listenerCount(): number {
    let count = 0;
    for (const set of this.#byTenant.values()) count += set.size;
    return count;
  }
}

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
