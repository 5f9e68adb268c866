import type { EngineContext } from '../engine/context.js';
import {
  type DeliveryDeps,
  type DeliveryOptions,
  type DeliveryResult,
  deliverOnce,
  emptyDeliveryResult,
} from '../engine/delivery.js';
import { newInstanceId, WorkLoop } from './work-loop.js';

export interface DelivererOptions {
  intervalMs: number;
  /** Messages sent at once by this instance. */
  concurrency: number;
}

/**
 * The outbox's worker on every instance that runs one: sends due deliveries, as many at a time
 * as it sends at once, again at once while claims come back full; idle, it looks every
 * `intervalMs`, or at once when this instance queues a delivery.
 */
export class Deliverer {
  readonly #ctx: EngineContext;
  readonly #deps: DeliveryDeps;
  readonly #options: DeliveryOptions;
  readonly #abort = new AbortController();
  readonly #loop: WorkLoop;
  readonly #off: () => void;

  constructor(ctx: EngineContext, deps: DeliveryDeps, options: DelivererOptions) {
    this.#ctx = ctx;
    this.#deps = deps;
    this.#options = {
      token: newInstanceId(),
      // a platform call's time limit, and time to record its answer
      leaseMs: ctx.delivery.timeoutMs + 30_000,
      batchSize: options.concurrency,
      concurrency: options.concurrency,
    };
    this.#loop = new WorkLoop(
      options.intervalMs,
      async () => {
        const r = await deliverOnce(this.#ctx, this.#deps, this.#options, this.#abort.signal);
        return r.claimed >= this.#options.batchSize;
      },
      (error) => {
        if (this.#loop.running) ctx.logger.error({ err: error }, 'delivery tick failed');
      },
    );
    this.#off = ctx.events.on('delivery.updated', (d) => {
      if (d.status === 'queued') this.wake();
    });
  }

  start(): void {
    this.#loop.start();
  }

  /**
   * Stops: sends in flight are cut short and recorded as their adapters report them (an unknown
   * outcome on a channel without an idempotency key is `unknown`, never resent).
   */
  async stop(): Promise<void> {
    this.#off();
    const stopped = this.#loop.stop();
    this.#abort.abort();
    await stopped;
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Sends until nothing this instance may claim is due (tests and benchmarks). */
  async runUntilIdle(): Promise<DeliveryResult> {
    const total = emptyDeliveryResult();
    for (;;) {
      const r = await deliverOnce(this.#ctx, this.#deps, this.#options, this.#abort.signal);
      for (const key of Object.keys(total) as (keyof DeliveryResult)[]) total[key] += r[key];
      if (r.claimed === 0) return total;
    }
  }
}
