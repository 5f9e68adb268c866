import type { ProfileParams } from '../../domain/activity/profile.js';
import type { ShrinkageParams } from '../../domain/activity/shrinkage.js';
import type { ActivityScales } from '../../domain/activity/user-activity.js';
import type { Backoff } from '../../domain/delivery/backoff.js';
import type { FunnelTemplate } from '../../domain/funnels/funnel.js';
import type { BoundedMap } from '../../domain/shared/bounded-map.js';
import type { ZoneCache } from '../../domain/shared/local-time.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import type { Clock } from '../../ports/clock.js';
import type { LlmProviderFactory } from '../../ports/composer.js';
import type { ContextProvider } from '../../ports/context-provider.js';
import type { Logger } from '../../ports/logger.js';
import type { SecretBox } from '../../storage/codecs/secret-box.js';
import type { Db } from '../../storage/schema.js';
import type { EngineEvents } from './events.js';

// The bag names its resources by what its users call on them; the stages implement them
// (triggers/trigger-cache.ts, context/context-providers.ts, activity/activity.ts), so the kernel
// imports no stage and every stage may import the kernel.

/** The resources every use case takes: one typed bag, built once in src/app. */
export interface EngineContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  events: EngineEvents;
  activity: ActivitySettings;
  /** Each tenant's triggers, re-read at most once a second. */
  triggers: TriggerSource;
  /** Seals and opens stored secrets; null when no `OVERTURE_SECRET_KEY` is configured. */
  secrets: SecretBox | null;
  /** Where each character's user context comes from: its callback, or the built-in store. */
  contextProviders: ContextProviderSource;
  /** How messages are sent: attempts, the wait between them, a platform call's time limit. */
  delivery: DeliverySettings;
  /** The operator's outbound rules, as configuration can check them (src/net's `OutboundGuard`). */
  outbound: OutboundCheck;
  /**
   * Funnel templates by tenant, funnel and version (`funnels/funnel-runs.ts`): a version never
   * changes, so a run's template is read from the database once per instance.
   */
  funnelVersions: BoundedMap<string, FunnelTemplate>;
  /** The language model for a tenant's provider settings (one kept per settings; src/app/compose-deps.ts). */
  models: LlmProviderFactory;
}

/** What can be told of a configured URL before any call (the calls themselves are checked after DNS). */
export interface OutboundCheck {
  /** Why the tenant's calls may not reach this URL's host when it is an IP address; else null. */
  refusalOfUrl(tenantId: string, url: string): string | null;
}

/** How the engine models activity: one per engine (`activitySettings` in activity/activity.ts). */
export interface ActivitySettings {
  /** The long and recent memories' half-lives. */
  scales: ActivityScales;
  profile: ProfileParams;
  shrinkage: ShrinkageParams;
  zones: ZoneCache;
  /** Per tenant, the zones given to its users, re-counted at most every GIVEN_ZONES_TTL_MS. */
  givenZones: Map<string, { atMs: number; zones: { zone: string; users: number }[] }>;
}

/** Each tenant's triggers as `decide` reads them (the trigger stage's `TriggerCache`). */
export interface TriggerSource {
  /** The tenant's triggers, read at most a second ago. */
  get(tenantId: string): Promise<Trigger[]>;
  /** The tenant's triggers as of re-arm count `version` or later. */
  atVersion(tenantId: string, version: number): Promise<Trigger[]>;
  /** Forgets a tenant's triggers (this instance changed one). */
  invalidate(tenantId: string): void;
}

/** Which context provider each character uses (the context stage's `ContextProviders`). */
export interface ContextProviderSource {
  /** The character's callback when one is configured, else the built-in store. */
  forCharacter(tenantId: string, characterId: string): Promise<ContextProvider>;
  /** Forgets a character's choice (this instance changed its callback). */
  invalidate(tenantId: string, characterId: string): void;
}

export interface DeliverySettings {
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number;
}
