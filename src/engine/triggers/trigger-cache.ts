import type { Trigger } from '../../domain/triggers/trigger.js';
import { readRearmVersion } from '../../storage/schedule.repository.js';
import type { Db } from '../../storage/schema.js';
import type { TriggerSource } from '../kernel/resources.js';
import { loadTriggers, toDomainTrigger } from './triggers.js';

/** How long another instance's trigger change may go unseen by `get`; this instance's own changes are seen at once. */
const FRESH_MS = 1000;

interface Entry {
  loadedAt: number;
  /** The tenant's re-arm count read just before the triggers: they are at least that recent. */
  version: Promise<number>;
  triggers: Promise<Trigger[]>;
}

/**
 * The triggers of each tenant (disabled ones too, so a trace can say so) as `decide` reads them.
 * `get` re-reads them at most once a second per tenant: ingest consults them for every batch
 * (event triggers, silence deadlines), and a change on another instance may go unseen that long.
 * Deciding must not use them stale: a change re-arms every pair, and a pair decided with the
 * triggers from before it would get a due time that ignores it (an enabled trigger never firing,
 * a disabled one still sending). So the sweep asks `atVersion` with the tenant's re-arm count,
 * and a copy read at a lower count is read again. Freshness is measured on the process's
 * monotonic clock, not the engine's injected one: it bounds staleness, it decides nothing.
 */
export class TriggerCache implements TriggerSource {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly db: Db) {}

  /** The tenant's triggers, read at most a second ago. */
  get(tenantId: string): Promise<Trigger[]> {
    const hit = this.#entries.get(tenantId);
    if (hit && performance.now() - hit.loadedAt < FRESH_MS) return hit.triggers;
    return this.#load(tenantId).triggers;
  }

  /**
   * The tenant's triggers as of re-arm count `version` (`readRearmVersion`, read by the caller
   * before it claimed or loaded what it decides) or later, however old the copy kept.
   */
  async atVersion(tenantId: string, version: number): Promise<Trigger[]> {
    const hit = this.#entries.get(tenantId);
    if (hit && (await hit.version.catch(() => -1)) >= version) return hit.triggers;
    return this.#load(tenantId).triggers;
  }

  /** Forgets a tenant's triggers (this instance changed one). */
  invalidate(tenantId: string): void {
    this.#entries.delete(tenantId);
  }

  #load(tenantId: string): Entry {
    // the count first, then the triggers: a change committed in between makes the copy newer
    // than its count says, never older
    const version = readRearmVersion(this.db, tenantId);
    const triggers = version
      .then(() => loadTriggers(this.db, tenantId))
      .then((records) => records.map(toDomainTrigger));
    const entry: Entry = { loadedAt: performance.now(), version, triggers };
    triggers.catch(() => {
      if (this.#entries.get(tenantId) === entry) this.#entries.delete(tenantId);
    });
    this.#entries.set(tenantId, entry);
    return entry;
  }
}
