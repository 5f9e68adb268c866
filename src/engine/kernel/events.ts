import type { StreamEventMap } from '../../contract/stream-event.js';
import type { EventKind } from '../../domain/signals/event-kind.js';
import type { DraftOutcome } from '../../storage/draft.repository.js';

/**
 * What the engine announces, by name: the stream's events (what bots see, in the contract) and
 * the engine's own. The WebSocket hub, metrics and tests listen here; tests await the next event
 * instead of sleeping.
 */
export interface EngineEventMap extends StreamEventMap {
  'events.ingested': {
    tenantId: string;
    accepted: number;
    duplicates: number;
    byKind: Partial<Record<EventKind, number>>;
  };
  /** Occasions were stored (event triggers matched, a webhook was called): the scheduler wakes at once. */
  'occasions.recorded': { tenantId: string; count: number };
  /** Every pair of a tenant is to be decided again (its policy, a trigger or a character changed). */
  'rearm.requested': { tenantId: string };
  /** A sweep decided a batch of pairs. */
  'decisions.made': { tenantId: string; decided: number; stored: number; suggestions: number };
  /** A suggestion was drafted: composed (pending approval, or approved) or ended (dismissed, expired). */
  'suggestion.drafted': {
    tenantId: string;
    suggestionId: string;
    userId: string;
    characterId: string;
    status: DraftOutcome['status'];
    composer: DraftOutcome['composer'];
  };
  'user.updated': { tenantId: string; userId: string };
  'character.updated': { tenantId: string; characterId: string; created: boolean };
  /** A character's context callback was configured, replaced or removed. */
  'context_provider.updated': { tenantId: string; characterId: string };
  'policy.updated': { tenantId: string; allowProactive: boolean };
  /** A trigger was created, changed, enabled, disabled or deleted. */
  'trigger.updated': { tenantId: string; triggerId: string };
  'api_key.created': { tenantId: string; keyId: string };
  'api_key.revoked': { tenantId: string; keyId: string };
  /** A key's `last_used_at` was written (at most once a minute per key and instance). */
  'api_key.used': { tenantId: string; keyId: string; at: Date };
}

export type EngineEventName = keyof EngineEventMap;
type Listener<K extends EngineEventName> = (payload: EngineEventMap[K]) => void;

/** A typed event emitter; a throwing listener is reported to `onListenerError` and never fails the caller. */
export class EngineEvents {
  readonly #listeners = new Map<EngineEventName, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown, event: EngineEventName) => void) {}

  on<K extends EngineEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Resolves with the next payload of `event`. */
  next<K extends EngineEventName>(event: K): Promise<EngineEventMap[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        off();
        resolve(payload);
      });
    });
  }

  emit<K extends EngineEventName>(event: K, payload: EngineEventMap[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
