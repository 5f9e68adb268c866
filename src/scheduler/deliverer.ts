import { type DeliveryDeps, type DeliveryResult, deliverOnce } from '../engine/delivery/delivery.js';
import type { EngineContext } from '../engine/kernel/resources.js';
import { ClaimWorker } from './claim-worker.js';
import { newInstanceId } from './work-loop.js';

interface DelivererOptions {
  intervalMs: number;
  /** Messages sent at once by this instance. */
  concurrency: number;
}

/**
 * The outbox's worker on every instance that runs one: sends due deliveries, as many at a time
 * as it sends at once, again at once while claims come back full; idle, it looks every
 * `intervalMs`, or at once when this instance queues a delivery; it expires and recovers what
 * time let lapse once per `intervalMs` of the clock. Stopping (`stop(graceMs)`, a
 * rolling deploy's SIGTERM) claims nothing more, puts back what it claimed and has not handed
 * over, and lets sends in flight finish and be recorded within the grace period; only those still
 * running after it are cut short, recorded as their adapters report them (an unknown outcome on a
 * channel without an idempotency key is `unknown`, never resent).
 */
export class Deliverer extends ClaimWorker<DeliveryResult> {
  constructor(ctx: EngineContext, deps: DeliveryDeps, options: DelivererOptions) {
    const delivery = {
      token: newInstanceId(),
      // a platform call's time limit, and time to record its answer
      leaseMs: ctx.delivery.timeoutMs + 30_000,
      batchSize: options.concurrency,
      concurrency: options.concurrency,
    };
    // what expires or lapses does so as time passes: looked for once per interval of the clock,
    // not on each wake-up (a step queued for a reply wakes the worker: 5 statements saved on each)
    let sweptAtMs = Number.NEGATIVE_INFINITY;
    const sweepDue = () => {
      const nowMs = ctx.clock.now().getTime();
      if (nowMs - sweptAtMs < options.intervalMs && nowMs >= sweptAtMs) return false;
      sweptAtMs = nowMs;
      return true;
    };
    super({
      what: 'delivery',
      intervalMs: options.intervalMs,
      batchSize: delivery.batchSize,
      round: (signals) => deliverOnce(ctx, deps, { ...delivery, sweep: sweepDue() }, signals),
      wakeOn: (wake) =>
        ctx.events.on('delivery.updated', (d) => {
          if (d.status === 'queued') wake();
        }),
      logger: ctx.logger,
    });
  }
}
