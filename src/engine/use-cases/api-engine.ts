import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Principal } from '../accounts/api-keys.js';
import type { RequestCounter } from '../accounts/request-limits.js';
import type { EngineEvents } from '../kernel/events.js';
import type { EngineStream } from '../kernel/stream.js';
import type { TenantEngine, TenantOptions } from './tenant-engine.js';

/** The settings the HTTP API reads from the engine's configuration. */
export interface ApiSettings {
  bodyLimit: number;
  eventsBodyLimit: number;
  bodyBytesInFlight: number;
  keyRequestsPerMinute: number;
  tenantRequestsPerMinute: number;
  failedAuthPerMinute: number;
  trustProxy: boolean | number | string;
  streamAuthTimeoutMs: number;
  streamHeartbeatMs: number;
  streamMaxBufferedBytes: number;
}

/**
 * What the HTTP API needs from an engine: `createEngine` (src/app) gives one, and src/api depends
 * on this alone. Every route reaches its use case through `forTenant`, as the library does.
 */
export interface ApiEngine {
  config: ApiSettings;
  logger: Logger;
  clock: Clock;
  events: EngineEvents;
  stream: EngineStream;
  /** The principal of a bearer key, or `unauthorized`. */
  authenticate(key: string): Promise<Principal>;
  /** Counts requests for the request limits, shared by every instance on PostgreSQL. */
  requestCounter: RequestCounter;
  /** Resolves when the database answers a trivial query; rejects with why it does not. */
  checkDatabase(): Promise<void>;
  /** The use cases of one tenant, acting as `options.actor` (default `library`). */
  forTenant(tenantId: string, options?: TenantOptions): TenantEngine;
}
