import type { ComposeDeps } from '../engine/compose.js';
import type { EngineContext } from '../engine/context.js';
import { type DraftingOptions, type DraftingResult, draftOnce } from '../engine/drafting.js';
import { newInstanceId, WorkLoop } from './work-loop.js';

export interface DrafterOptions {
  intervalMs: number;
  /** Suggestions composed at once by this instance. */
  concurrency: number;
}

/**
 * A draft's lease: longer than the slowest model call allowed (60 s) plus a context callback
 * (10 s), so a live instance never loses a draft it is still composing.
 */
const DRAFT_LEASE_MS = 120_000;

/**
 * Composes suggestions in `drafting`, in a loop, on every instance that runs one: claims as many
 * as it composes at once, again at once while claims come back full; idle, it looks every
 * `intervalMs`, or at once when this instance creates a suggestion. Its own loop, apart from the
 * scheduler's, so a slow model never holds up deciding.
 */
export class Drafter {
  readonly #ctx: EngineContext;
  readonly #deps: ComposeDeps;
  readonly #options: DraftingOptions;
  readonly #abort = new AbortController();
  readonly #loop: WorkLoop;
  readonly #off: () => void;

  constructor(ctx: EngineContext, deps: ComposeDeps, options: DrafterOptions) {
    this.#ctx = ctx;
    this.#deps = deps;
    this.#loop = new WorkLoop(
      options.intervalMs,
      async () => {
        const r = await draftOnce(this.#ctx, this.#deps, this.#options, this.#abort.signal);
        return r.claimed >= this.#options.batchSize;
      },
      (error) => {
        // a tick cut short by stop() is not a failure
        if (this.#loop.running) ctx.logger.error({ err: error }, 'drafting tick failed');
      },
    );
    this.#options = {
      token: newInstanceId(),
      leaseMs: DRAFT_LEASE_MS,
      batchSize: options.concurrency,
      concurrency: options.concurrency,
    };
    this.#off = ctx.events.on('suggestion.created', () => this.wake());
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops: drafts being composed are abandoned (their leases end and another instance takes them). */
  async stop(): Promise<void> {
    this.#off();
    const stopped = this.#loop.stop();
    this.#abort.abort();
    await stopped;
  }

  wake(): void {
    this.#loop.wake();
  }

  /** Composes until no draft is left that this instance may claim (tests and benchmarks). */
  async runUntilIdle(): Promise<DraftingResult> {
    const total: DraftingResult = { claimed: 0, composed: 0, ended: 0, lost: 0 };
    for (;;) {
      const r = await draftOnce(this.#ctx, this.#deps, this.#options, this.#abort.signal);
      total.claimed += r.claimed;
      total.composed += r.composed;
      total.ended += r.ended;
      total.lost += r.lost;
      if (r.claimed === 0) return total;
    }
  }
}
