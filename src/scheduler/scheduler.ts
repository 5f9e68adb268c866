import { type PruneResult, pruneExpired } from '../engine/decide/retention.js';
import { type SweepOptions, type SweepResult, sweepOnce } from '../engine/decide/sweep.js';
import { expireDueRuns } from '../engine/funnels/funnel-timeouts.js';
import type { EngineContext } from '../engine/kernel/resources.js';
import { settleDueOutcomes } from '../engine/outcomes/settle.js';
import { rearmNextChunk } from '../storage/schedule.repository.js';
import { newInstanceId, WorkLoop } from './work-loop.js';

interface SchedulerOptions {
  intervalMs: number;
  batchSize: number;
  leaseMs: number;
  /** Stored decisions older than this are deleted. */
  decisionRetentionDays: number;
}

/** Pairs re-armed per statement when a policy, trigger or character changes. */
const REARM_CHUNK = 5000;
/** Pending re-arms are looked for at least this often (another instance may have asked, or died doing one). */
const REARM_CHECK_MS = 5000;
/** Old decisions and expired occasions are deleted this often (sooner while a backlog is left). */
const PRUNE_EVERY_MS = 60_000;
/** Outcomes whose reply window has passed are settled (announced as ignored) this often. */
const SETTLE_EVERY_MS = 10_000;
/** Funnel runs whose step timed out, expired per statement. */
const EXPIRE_BATCH = 500;

/**
 * Decides due pairs, in a loop, on every instance that runs one: claims a batch (SKIP LOCKED,
 * under a lease), decides it, and claims again at once while batches come back full; idle, it
 * looks again every `intervalMs`, or at once when this instance records an occasion. Pending
 * re-arms (every pair of a tenant due again) are advanced between batches, funnel runs whose step
 * timed out are expired each round, and outcomes whose reply window passed are settled (announced
 * as ignored) every few seconds. All coordination is
 * in the database: instances can start and die at any time.
 */
export class Scheduler {
  readonly #ctx: EngineContext;
  readonly #sweep: SweepOptions;
  readonly #retentionDays: number;
  #lastPrune = Number.NEGATIVE_INFINITY;
  readonly #loop: WorkLoop;
  #lastRearmCheck = Number.NEGATIVE_INFINITY;
  #lastSettle = Number.NEGATIVE_INFINITY;
  #rearmWanted = true;
  readonly #off: (() => void)[] = [];

  constructor(ctx: EngineContext, options: SchedulerOptions) {
    this.#ctx = ctx;
    this.#loop = new WorkLoop(
      options.intervalMs,
      () => this.#tick(),
      (error) => ctx.logger.error({ err: error }, 'scheduler tick failed'),
    );
    this.#retentionDays = options.decisionRetentionDays;
    this.#sweep = {
      batchSize: options.batchSize,
      leaseMs: options.leaseMs,
      instanceId: newInstanceId(),
    };
    this.#off.push(
      ctx.events.on('occasions.recorded', () => this.wake()),
      ctx.events.on('rearm.requested', () => {
        this.#rearmWanted = true;
        this.wake();
      }),
    );
  }

  /** Starts the loop (idempotent). */
  start(): void {
    this.#loop.start();
  }

  /** Stops after the batch in flight; its decisions are written, its pairs released. */
  async stop(): Promise<void> {
    for (const off of this.#off.splice(0)) off();
    await this.#loop.stop();
  }

  /** Looks for due work now instead of at the next interval. */
  wake(): void {
    this.#loop.wake();
  }

  /**
   * Re-arms, settles outcomes and decides until nothing is due at the engine's current time: what tests (with a
   * fake clock) and the benchmark call instead of waiting for the loop.
   */
  async runUntilIdle(): Promise<SweepResult> {
    const total: SweepResult = { claimed: 0, decided: 0, stored: 0, suggestions: 0 };
    while (await rearmNextChunk(this.#ctx.db, REARM_CHUNK));
    while ((await settleDueOutcomes(this.#ctx)).more);
    while ((await expireDueRuns(this.#ctx, EXPIRE_BATCH)) >= EXPIRE_BATCH);
    for (;;) {
      const r = await sweepOnce(this.#ctx, this.#sweep);
      total.claimed += r.claimed;
      total.decided += r.decided;
      total.stored += r.stored;
      total.suggestions += r.suggestions;
      if (r.claimed === 0) return total;
    }
  }

  /** Deletes old decisions and expired occasions now (what the loop does every minute). */
  prune(): Promise<PruneResult> {
    return pruneExpired(this.#ctx, this.#retentionDays);
  }

  /** One round of the loop; a full batch means more may be due at once. */
  async #tick(): Promise<boolean> {
    await this.#rearmSome();
    await this.#pruneSometimes();
    await this.#settleSometimes();
    const expired = await expireDueRuns(this.#ctx, EXPIRE_BATCH);
    const r = await sweepOnce(this.#ctx, this.#sweep);
    return r.claimed >= this.#sweep.batchSize || expired >= EXPIRE_BATCH;
  }

  async #rearmSome(): Promise<void> {
    const now = performance.now();
    if (!this.#rearmWanted && now - this.#lastRearmCheck < REARM_CHECK_MS) return;
    this.#lastRearmCheck = now;
    // a few chunks per tick, so a tenant of millions does not hold up everybody's decisions
    let chunks = 0;
    while (chunks < 10 && (await rearmNextChunk(this.#ctx.db, REARM_CHUNK))) chunks++;
    this.#rearmWanted = chunks === 10;
  }

  async #settleSometimes(): Promise<void> {
    const now = performance.now();
    if (now - this.#lastSettle < SETTLE_EVERY_MS) return;
    const r = await settleDueOutcomes(this.#ctx);
    // a backlog left: again at the next tick
    this.#lastSettle = r.more ? Number.NEGATIVE_INFINITY : now;
  }

  async #pruneSometimes(): Promise<void> {
    const now = performance.now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    const r = await this.prune();
    // a backlog left: again at the next tick, else in a minute
    this.#lastPrune = r.more ? Number.NEGATIVE_INFINITY : now;
    if (r.decisions + r.occasions > 0)
      this.#ctx.logger.debug(r, 'pruned old decisions and expired occasions');
  }
}
