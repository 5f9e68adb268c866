import { type ConfigInput, resolveConfig } from '../config/config.js';
import { HttpContextProvider } from '../context/http-context-provider.js';
import { DEFAULT_PROFILE_PARAMS } from '../domain/activity/profile.js';
import { DEFAULT_SHRINKAGE } from '../domain/activity/shrinkage.js';
import { BoundedMap } from '../domain/shared/bounded-map.js';
import { createAuthenticator } from '../engine/accounts/api-keys.js';
import { signUnsignedAuditHeads } from '../engine/accounts/audit-head.js';
import { databaseRequestCounter, memoryRequestCounter } from '../engine/accounts/request-limits.js';
import { type BootstrapResult, bootstrapTenancy, createTenant } from '../engine/accounts/tenants.js';
import { activitySettings } from '../engine/activity/activity.js';
import { ContextProviders } from '../engine/context/context-providers.js';
import { EngineEvents } from '../engine/kernel/events.js';
import type { EngineContext } from '../engine/kernel/resources.js';
import type { EngineStream } from '../engine/kernel/stream.js';
import { sealPlainHookSecrets } from '../engine/triggers/hook-secrets.js';
import { TriggerCache } from '../engine/triggers/trigger-cache.js';
import type { ApiEngine } from '../engine/use-cases/api-engine.js';
import { createTenantEngine, KnownTenants, type TenantOptions } from '../engine/use-cases/tenant-engine.js';
import type { LookupFunction } from '../net/guarded-fetch.js';
import { OutboundGuard } from '../net/outbound-guard.js';
import type { ChannelAdapterFactory } from '../ports/channel.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { Deliverer } from '../scheduler/deliverer.js';
import { Drafter } from '../scheduler/drafter.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { SecretBox } from '../storage/codecs/secret-box.js';
import { type Database, pingDatabase } from '../storage/connection/database.js';
import { migrateToLatest } from '../storage/connection/migrator.js';
import { openDatabase } from '../storage/connection/open-database.js';
import { defaultChannelAdapters } from './channel-adapters.js';
import { createComposeDeps } from './compose-deps.js';
import { createDeliveryDeps } from './delivery-deps.js';
import { FileClock } from './file-clock.js';
import { createLogger } from './logger.js';
import { type StreamRelay, startStreamRelay } from './stream-relay.js';

/** Funnel template versions kept in memory per instance (a few KB each). */
const FUNNEL_VERSIONS_KEPT = 2000;

export interface EngineOptions {
  /** Source of "now"; tests pass a FakeClock. */
  clock?: Clock;
  logger?: Logger;
  /** An already open database (it is closed with the engine); otherwise opened from the config. */
  database?: Database;
  /**
   * Builds the adapter that sends on a character's channel; by default the real ones
   * (src/channels: grammY, @discordjs/rest, @slack/web-api, a signed webhook POST).
   */
  channels?: ChannelAdapterFactory;
  /**
   * How outbound calls resolve host names before the address is checked (default `dns.lookup`);
   * tests pass a table (`lookupFrom` in overture/testing) so that no DNS is needed.
   */
  lookup?: LookupFunction;
  /**
   * The background work (scheduler, drafter, delivery worker, as the config turns them on) waits
   * for `startWork()` instead of starting with the engine. `createServer` starts it once the API is
   * built: on PGlite every query runs on this thread, and the first rounds would delay the start.
   */
  deferWork?: boolean;
}

/** An engine in process, as `createEngine` returns it. */
export type Engine = Awaited<ReturnType<typeof createEngine>>;

/**
 * The engine in process: opens the database, applies migrations, creates the default tenant on
 * first start, and exposes the use cases. Bots that embed Overture call this; `createServer`
 * puts the same engine behind HTTP.
 *
 * @example
 * const engine = await createEngine({ dataDir: './.overture' });
 * await engine.forTenant('default').ingest({ id: 'm1', kind: 'message_in', userId: 'u1',
 *   characterId: 'aria', at: new Date().toISOString(), text: 'hi' });
 */
export async function createEngine(configInput: ConfigInput = {}, options: EngineOptions = {}) {
  const config = resolveConfig(configInput);
  const logger: Logger = options.logger ?? createLogger(config);
  const database = options.database ?? (await openDatabase(config, logger));
  let relay: StreamRelay | undefined;
  try {
    if (config.migrate) {
      const { applied } = await migrateToLatest(database.migrationDb ?? database.db);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    const events = new EngineEvents((error, event) =>
      logger.error({ err: error, event }, 'event listener failed'),
    );
    const clock = options.clock ?? testClock(config.testClockFile, logger) ?? systemClock;
    const secrets = config.secretKey ? SecretBox.fromText(config.secretKey) : null;
    const contextLogger = logger.child({ part: 'context' });
    const outbound = new OutboundGuard(
      { trustedTenants: config.outboundTrustedTenants, allow: config.outboundAllow },
      options.lookup ? { lookup: options.lookup } : {},
    );
    const composeDeps = createComposeDeps(outbound);
    const ctx: EngineContext = {
      db: database.db,
      clock,
      logger,
      events,
      activity: activitySettings(
        {
          longMs: config.activityHalfLifeDays * 86_400_000,
          recentMs: config.activityRecentHalfLifeDays * 86_400_000,
        },
        DEFAULT_PROFILE_PARAMS,
        DEFAULT_SHRINKAGE,
      ),
      triggers: new TriggerCache(database.db),
      funnelVersions: new BoundedMap(FUNNEL_VERSIONS_KEPT),
      models: composeDeps.llm,
      secrets,
      contextProviders: new ContextProviders({
        db: database.db,
        secrets,
        logger: contextLogger,
        callback: ({ tenantId, ...settings }, fallback) =>
          new HttpContextProvider({
            ...settings,
            fetch: outbound.fetchFor(tenantId),
            fallback,
            clock,
            logger: contextLogger,
          }),
      }),
      delivery: {
        maxAttempts: config.deliveryMaxAttempts,
        backoff: { baseMs: config.deliveryBackoffMs, maxMs: config.deliveryBackoffMaxMs },
        timeoutMs: config.deliveryTimeoutMs,
      },
      outbound,
    };
    events.on('trigger.updated', ({ tenantId }) => ctx.triggers.invalidate(tenantId));
    events.on('context_provider.updated', ({ tenantId, characterId }) =>
      ctx.contextProviders.invalidate(tenantId, characterId),
    );
    relay = await startStreamRelay({ events, database, clock, logger });
    const stream: EngineStream = { subscribe: relay.subscribe, listenerCount: relay.listenerCount };
    const bootstrap: BootstrapResult = await bootstrapTenancy(ctx, config.adminKey);
    const hookSecrets = await sealPlainHookSecrets(ctx);
    if (hookSecrets.sealed > 0)
      logger.info(
        { triggers: hookSecrets.sealed },
        'sealed the webhook secrets stored in plain text (before migration 0016)',
      );
    if (hookSecrets.plain > 0)
      logger.warn(
        { triggers: hookSecrets.plain },
        'webhook secrets are stored in plain text: set OVERTURE_SECRET_KEY and restart to have them sealed',
      );
    const signedHeads = await signUnsignedAuditHeads(ctx);
    if (signedHeads > 0)
      logger.info(
        { tenants: signedHeads },
        'signed the audit heads that had no signature (written before migration 0015 or without OVERTURE_SECRET_KEY)',
      );
    const tenants = new KnownTenants(ctx);
    const scheduler = new Scheduler(ctx, {
      intervalMs: config.schedulerIntervalMs,
      batchSize: config.schedulerBatchSize,
      leaseMs: config.schedulerLeaseMs,
      decisionRetentionDays: config.decisionRetentionDays,
    });
    const drafter = new Drafter(ctx, composeDeps, {
      intervalMs: config.schedulerIntervalMs,
      concurrency: config.composeConcurrency,
    });
    const deliverer = new Deliverer(
      ctx,
      createDeliveryDeps(
        options.channels ?? defaultChannelAdapters(config.deliveryTimeoutMs, clock, outbound),
      ),
      { intervalMs: config.schedulerIntervalMs, concurrency: config.deliveryConcurrency },
    );
    let stopping: Promise<void> | undefined;
    let started = false;
    const startWork = () => {
      if (started || stopping) return;
      started = true;
      if (config.scheduler) scheduler.start();
      if (config.scheduler && config.drafting) drafter.start();
      if (config.scheduler && config.delivery) deliverer.start();
    };
    if (!options.deferWork) startWork();
    const stopWork = () =>
      (stopping ??= Promise.all([
        scheduler.stop(),
        drafter.stop(),
        deliverer.stop(config.shutdownTimeoutMs),
      ]).then(() => undefined));
    const engine = {
      config,
      database,
      events,
      logger,
      clock,
      /** What the first start created; `adminKey` is only here, never logged. */
      bootstrap,
      context: ctx,
      authenticate: createAuthenticator(ctx),
      /**
       * Counts requests for the API's request limits: in the database on PostgreSQL (shared by
       * every instance), in this process on PGlite (which only one process can open).
       */
      requestCounter:
        database.kind === 'postgres' ? databaseRequestCounter(ctx) : memoryRequestCounter(clock),
      /** Resolves when the database answers (within the connect timeout); what `/health` reports. */
      checkDatabase: () => pingDatabase(database.db, config.databaseConnectTimeoutMs),
      /** Each tenant's live suggestion and delivery events, from every instance (docs/STREAM.md). */
      stream,
      scheduler,
      drafter,
      deliverer,
      /**
       * Decides every pair due at the engine's current time and composes the suggestions that
       * made, then returns (with a fake clock: what a test calls after advancing it). The
       * scheduler's and the drafter's loops do the same by themselves.
       */
      sweep: async () => {
        const decided = await scheduler.runUntilIdle();
        const drafted = await drafter.runUntilIdle();
        return { ...decided, composed: drafted.composed, ended: drafted.ended };
      },
      /**
       * Sends every delivery due at the engine's current time (retries whose wait is over, new
       * approvals), then returns; the delivery worker's loop does the same by itself.
       */
      deliver: () => deliverer.runUntilIdle(),
      createTenant: (input: { tenantId: string; name?: string }) => createTenant(ctx, input),
      /**
       * The use cases of one tenant; everything they read or write belongs to it. The tenant must
       * exist (`not_found` otherwise). Changes are recorded as made by `options.actor`, by
       * default `library`.
       */
      forTenant: (tenantId: string, options?: TenantOptions) =>
        createTenantEngine(ctx, stream, tenants, tenantId, options),
      /**
       * Stops the background work: nothing more is decided, drafted or claimed; messages being
       * sent get the shutdown grace period (`shutdownTimeoutMs`) to finish and be recorded, and
       * only those still in flight after it are cut short. `close` does this first.
       */
      stopWork,
      /**
       * Starts the background work the config turns on, when `deferWork` held it back; once only,
       * and never after `stopWork`.
       */
      startWork,
      close: async () => {
        await stopWork();
        await relay?.close();
        await database.close();
      },
    };
    return engine satisfies ApiEngine;
  } catch (error) {
    await relay?.close();
    await database.close();
    throw error;
  }
}

/** The clock of `testClockFile`, when set: time is whatever the test writes there. */
function testClock(path: string | undefined, logger: Logger): Clock | undefined {
  if (path === undefined) return undefined;
  const clock = new FileClock(path);
  logger.warn(
    { testClockFile: path, now: clock.now().toISOString() },
    'OVERTURE_TEST_CLOCK_FILE is set: the clock reads the instant in that file (for tests only)',
  );
  return clock;
}
