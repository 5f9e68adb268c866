import type { Logger } from '../ports/logger.js';
import { WorkLoop } from './work-loop.js';

/** What one round of claimed work did, counted: how many it claimed, and its own tallies (all numbers). */
interface RoundResult {
  claimed: number;
}

interface ClaimWorkerOptions<R extends RoundResult> {
  /** Names the work in the log when a round fails. */
  what: string;
  intervalMs: number;
  /** Claims per round; a full round means more may be waiting, so the next comes at once. */
  batchSize: number;
  /** One round: claim a batch and work it, stopping early when `signal` aborts. */
  round(signal: AbortSignal): Promise<R>;
  /** Subscribes `wake` to what tells this instance new work is there; returns the unsubscribe. */
  wakeOn(wake: () => void): () => void;
  logger: Logger;
}

/**
 * A loop of claimed work on this instance (drafting, delivering): rounds again at once while they
 * come back full; idle, every `intervalMs` or at once when woken. Stopping aborts the round in
 * flight: what it claimed and did not finish comes back when its leases end.
 */
export class ClaimWorker<R extends RoundResult> {
  readonly #round: (signal: AbortSignal) => Promise<R>;
  readonly #abort = new AbortController();
  readonly #loop: WorkLoop;
  readonly #off: () => void;

  constructor(options: ClaimWorkerOptions<R>) {
    this.#round = options.round;
    this.#loop = new WorkLoop(
      options.intervalMs,
      async () => (await this.#round(this.#abort.signal)).claimed >= options.batchSize,
      (error) => {
        // a round cut short by stop() is not a failure
        if (this.#loop.running) options.logger.error({ err: error }, `${options.what} round failed`);
      },
    );
    this.#off = options.wakeOn(() => this.wake());
  }

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    this.#off();
    const stopped = this.#loop.stop();
    this.#abort.abort();
    await stopped;
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Rounds until one claims nothing, their tallies summed (tests and benchmarks). */
  async runUntilIdle(): Promise<R> {
    const total = { ...(await this.#round(this.#abort.signal)) };
    let last = total.claimed;
    while (last > 0) {
      const r = await this.#round(this.#abort.signal);
      const tallies = total as unknown as Record<string, number>;
      for (const [key, n] of Object.entries(r)) tallies[key] = (tallies[key] ?? 0) + (n as number);
      last = r.claimed;
    }
    return total;
  }
}
