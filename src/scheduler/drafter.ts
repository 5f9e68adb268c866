import type { ComposeDeps } from '../engine/compose/compose.js';
import { type DraftingResult, draftOnce } from '../engine/compose/drafting.js';
import type { EngineContext } from '../engine/kernel/resources.js';
import { ClaimWorker } from './claim-worker.js';
import { newInstanceId } from './work-loop.js';

interface DrafterOptions {
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
 * scheduler's, so a slow model never holds up deciding. Stopping abandons the drafts being
 * composed: their leases end and another instance takes them.
 */
export class Drafter extends ClaimWorker<DraftingResult> {
  constructor(ctx: EngineContext, deps: ComposeDeps, options: DrafterOptions) {
    const drafting = {
      token: newInstanceId(),
      leaseMs: DRAFT_LEASE_MS,
      batchSize: options.concurrency,
      concurrency: options.concurrency,
    };
    super({
      what: 'drafting',
      intervalMs: options.intervalMs,
      batchSize: drafting.batchSize,
      round: (signals) => draftOnce(ctx, deps, drafting, signals.abort),
      wakeOn: (wake) => ctx.events.on('suggestion.created', wake),
      logger: ctx.logger,
    });
  }
}
