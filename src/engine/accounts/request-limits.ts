import { notFound } from '../../contract/errors.js';
import { RequestLimitsInput } from '../../contract/tenant.schema.js';
import { BoundedMap } from '../../domain/shared/bounded-map.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import {
  type BucketCount,
  countRequests,
  deleteEndedCounters,
  readRequestCount,
} from '../../storage/request-counter.repository.js';
import type { Db } from '../../storage/schema.js';
import { findRequestLimits, writeRequestLimits } from '../../storage/tenant.repository.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';

/** A bucket's count in its current fixed window, and when the window ends (engine clock, ms). */
export interface RequestCount {
  hits: number;
  resetsAtMs: number;
}

/**
 * Counts requests per bucket in fixed windows, by the engine's clock. On PostgreSQL the counts
 * live in the database, shared by every instance; on PGlite, which only one process can open, in
 * this process (docs/ARCHITECTURE.md, "Request limits").
 */
export interface RequestCounter {
  /** Counts one request in `bucket` and returns the count with it. */
  count(bucket: string, windowMs: number): Promise<RequestCount>;
  /** The count so far, without counting. */
  read(bucket: string): Promise<RequestCount>;
}

/** In this process: exact for a single instance. Holds at most `capacity` buckets (least recent dropped). */
export function memoryRequestCounter(clock: Clock, capacity = 100_000): RequestCounter {
  const buckets = new BoundedMap<string, RequestCount>(capacity);
  return {
    async count(bucket, windowMs) {
      const now = clock.now().getTime();
      const current = buckets.get(bucket);
      const next =
        current && current.resetsAtMs > now
          ? { hits: current.hits + 1, resetsAtMs: current.resetsAtMs }
          : { hits: 1, resetsAtMs: now + windowMs };
      buckets.set(bucket, next);
      return next;
    },
    async read(bucket) {
      const current = buckets.get(bucket);
      return current && current.resetsAtMs > clock.now().getTime() ? current : { hits: 0, resetsAtMs: 0 };
    },
  };
}

/** Ended counters are deleted by whichever instance counts first after this long. */
const SWEEP_EVERY_MS = 60_000;

/**
 * In the database (`request_counters`), shared by every instance: the counts asked for in one
 * turn of the event loop (a request's key and tenant, and those of the requests alongside it) go
 * in one statement, each caller getting its own place in its bucket's count.
 */
export function databaseRequestCounter(deps: { db: Db; clock: Clock; logger: Logger }): RequestCounter {
  let lastSweepMs = 0;
  let pending = new Map<string, { count: BucketCount; waiting: Waiting[] }>();
  const flush = async () => {
    const batch = pending;
    pending = new Map();
    const now = deps.clock.now();
    if (now.getTime() - lastSweepMs >= SWEEP_EVERY_MS) {
      lastSweepMs = now.getTime();
      deleteEndedCounters(deps.db, now).catch((error) =>
        deps.logger.warn({ err: error }, 'could not delete ended request counters'),
      );
    }
    try {
      const counted = await countRequests(
        deps.db,
        [...batch.values()].map((b) => b.count),
        now,
      );
      for (const [bucket, { count, waiting }] of batch) {
        const { hits, resetsAt } = counted.get(bucket)!;
        // the batch's requests are the last `n` counted, in the order they asked
        for (const [i, w] of waiting.entries())
          w.resolve({ hits: hits - count.n + i + 1, resetsAtMs: resetsAt.getTime() });
      }
    } catch (error) {
      for (const { waiting } of batch.values()) for (const w of waiting) w.reject(error);
    }
  };
  return {
    count(bucket, windowMs) {
      return new Promise<RequestCount>((resolve, reject) => {
        if (pending.size === 0) setImmediate(flush);
        const entry = pending.get(bucket) ?? { count: { bucket, n: 0, windowMs }, waiting: [] };
        entry.count.n++;
        entry.waiting.push({ resolve, reject });
        pending.set(bucket, entry);
      });
    },
    async read(bucket) {
      const { hits, resetsAt } = await readRequestCount(deps.db, bucket, deps.clock.now());
      return { hits, resetsAtMs: resetsAt?.getTime() ?? 0 };
    },
  };
}

interface Waiting {
  resolve(count: RequestCount): void;
  reject(error: unknown): void;
}

/** The tenant's own request limits, as stored (null fields: the operator's defaults). */
export function requestLimitsOf(stored: Record<string, unknown> | null): RequestLimitsInput {
  // stored documents were validated on the way in; parsing fills fields added since
  return RequestLimitsInput.parse(stored ?? {});
}

export async function getRequestLimits(ctx: EngineContext, tenantId: string): Promise<RequestLimitsInput> {
  const stored = await findRequestLimits(ctx.db, tenantId);
  if (stored === undefined) throw notFound(`tenant "${tenantId}"`);
  return requestLimitsOf(stored);
}

/** Replaces the tenant's request limits, recorded in its audit log. */
export async function putRequestLimits(
  ctx: EngineContext,
  tenantId: string,
  limits: RequestLimitsInput,
  actor: string,
): Promise<RequestLimitsInput> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    // the audit entry first: it locks the tenant's audit, then its row (the head), the order
    // every audited change takes them in; writing the row first could deadlock with one
    await appendAudit(ctx, trx, tenantId, now, {
      actor,
      action: 'request_limits.updated',
      subject: `tenant:${tenantId}`,
      detail: { ...limits },
    });
    await writeRequestLimits(trx, tenantId, { ...limits });
  });
  return limits;
}
