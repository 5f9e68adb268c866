import type { Logger } from '../ports/logger.js';
import { WorkLoop } from './work-loop.js';

/** What one round of claimed work did, counted: how many it claimed, and its own tallies (all numbers). */
interface RoundResult {
  claimed: number;
}

/** How a round is stopped: first gently (`stop`), then at once (`abort`). */
export interface RoundSignals {
  stop: AbortSignal;
  abort: AbortSignal;
}

interface ClaimWorkerOptions<R extends RoundResult> {
  /** Names the work in the log when a round fails. */
  what: string;
  intervalMs: number;
  /** Claims per round; a full round means more may be waiting, so the next comes at once. */
  batchSize: number;
  /**
   * One round: claim a batch and work it. `stop` aborts when the worker is asked to stop (start
   * nothing new); `abort` when what is in flight must end (at once, or after `stop`'s grace period).
   */
  round(signals: RoundSignals): Promise<R>;
  /** Subscribes `wake` to what tells this instance new work is there; returns the unsubscribe. */
  wakeOn(wake: () => void): () => void;
  logger: Logger;
}

/**
 * A loop of claimed work on this instance (drafting, delivering): rounds again at once while they
 * come back full; idle, every `intervalMs` or at once when woken. Stopping claims nothing more,
 * gives the round in flight a grace period, then aborts what is left of it.
 */
export class ClaimWorker<R extends RoundResult> {
  readonly #round: (signals: RoundSignals) => Promise<R>;
  readonly #stop = new AbortController();
  readonly #abort = new AbortController();
  readonly #signals: RoundSignals = { stop: this.#stop.signal, abort: this.#abort.signal };
  readonly #loop: WorkLoop;
  readonly #off: () => void;

  constructor(options: ClaimWorkerOptions<R>) {
    this.#round = options.round;
    this.#loop = new WorkLoop(
      options.intervalMs,
      async () => (await this.#round(this.#signals)).claimed >= options.batchSize,
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

  /**
   * Claims nothing more and waits for the round in flight, aborting it once `graceMs` have passed
   * (at once by default). Idempotent.
   */
  async stop(graceMs = 0): Promise<void> {
    this.#off();
    const stopped = this.#loop.stop();
    this.#stop.abort();
    const timer = setTimeout(() => this.#abort.abort(), graceMs);
    try {
      await stopped;
    } finally {
      clearTimeout(timer);
      this.#abort.abort();
    }
  }

  /** Whether `stop` was called (tests wait on it). */
  get stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Rounds until one claims nothing, their tallies summed (tests and benchmarks). */
  async runUntilIdle(): Promise<R> {
    const total = { ...(await this.#round(this.#signals)) };
    let last = total.claimed;
    while (last > 0) {
      const r = await this.#round(this.#signals);
      const tallies = total as unknown as Record<string, number>;
      for (const [key, n] of Object.entries(r)) tallies[key] = (tallies[key] ?? 0) + (n as number);
      last = r.claimed;
    }
    return total;
  }
}
