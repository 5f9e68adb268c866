import type { Backoff } from '../../domain/delivery/backoff.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { SecretBox } from '../../storage/codecs/secret-box.js';
import type { Db } from '../../storage/schema.js';
import type { ActivitySettings } from '../activity/activity.js';
import type { ContextProviders } from '../context/context-providers.js';
import type { TriggerCache } from '../triggers/trigger-cache.js';
import type { EngineEvents } from './events.js';

/** The resources every use case takes: one typed bag, built once in src/app. */
export interface EngineContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  events: EngineEvents;
  activity: ActivitySettings;
  /** Each tenant's triggers, re-read at most once a second. */
  triggers: TriggerCache;
  /** Seals and opens stored secrets; null when no `OVERTURE_SECRET_KEY` is configured. */
  secrets: SecretBox | null;
  /** Where each character's user context comes from: its callback, or the built-in store. */
  contextProviders: ContextProviders;
  /** How messages are sent: attempts, the wait between them, a platform call's time limit. */
  delivery: DeliverySettings;
}

export interface DeliverySettings {
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number;
}
