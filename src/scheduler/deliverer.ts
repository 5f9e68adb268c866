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
 * `intervalMs`, or at once when this instance queues a delivery. Stopping cuts sends in flight
 * short; they are recorded as their adapters report them (an unknown outcome on a channel without
 * an idempotency key is `unknown`, never resent).
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
    super({
      what: 'delivery',
      intervalMs: options.intervalMs,
      batchSize: delivery.batchSize,
      round: (signal) => deliverOnce(ctx, deps, delivery, signal),
      wakeOn: (wake) =>
        ctx.events.on('delivery.updated', (d) => {
          if (d.status === 'queued') wake();
        }),
      logger: ctx.logger,
    });
  }
}
