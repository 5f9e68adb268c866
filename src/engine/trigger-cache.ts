import type { Trigger } from '../domain/triggers/trigger.js';
import type { Db } from '../storage/database.js';
import { loadTriggers, toDomainTrigger } from './triggers.js';

/** How long another instance's trigger change may go unseen; this instance's own changes are seen at once. */
const FRESH_MS = 1000;

/**
 * The triggers of each tenant (disabled ones too, so a trace can say so) as `decide` reads them, re-read at most once a second per
 * tenant: ingest consults them for every batch (event triggers, silence deadlines) and the
 * sweep for every claimed batch. Freshness is measured on the process's monotonic clock, not the
 * engine's injected one: it bounds staleness, it decides nothing.
 */
export class TriggerCache {
  readonly #entries = new Map<string, { loadedAt: number; triggers: Promise<Trigger[]> }>();

  constructor(private readonly db: Db) {}

  get(tenantId: string): Promise<Trigger[]> {
    const hit = this.#entries.get(tenantId);
    if (hit && performance.now() - hit.loadedAt < FRESH_MS) return hit.triggers;
    const triggers = loadTriggers(this.db, tenantId).then((records) => records.map(toDomainTrigger));
    triggers.catch(() => this.#entries.delete(tenantId));
    this.#entries.set(tenantId, { loadedAt: performance.now(), triggers });
    return triggers;
  }

  /** Forgets a tenant's triggers (this instance changed one). */
  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
  }
}
