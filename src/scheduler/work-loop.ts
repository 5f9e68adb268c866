import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { OvertureError } from '../contract/errors.js';

/**
 * The loop an instance runs for one kind of claimed work: a tick, again at once while it says
 * there is more, else after `intervalMs` or as soon as something wakes it. A wake-up during a
 * tick is remembered, so the loop looks again at once instead of sleeping past it. A tick that
 * throws is reported and the loop goes on.
 */
export class WorkLoop {
  readonly #intervalMs: number;
  readonly #tick: () => Promise<boolean>;
  readonly #onError: (error: unknown) => void;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;

  /** `tick` does a round of work and says whether more is waiting (a full batch). */
  constructor(intervalMs: number, tick: () => Promise<boolean>, onError: (error: unknown) => void) {
    this.#intervalMs = intervalMs;
    this.#tick = tick;
    this.#onError = onError;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after the tick in flight; `running` is false from the moment this is called. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  /** Looks for work now instead of at the next interval. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let more = false;
      this.#woken = false;
      try {
        more = await this.#tick();
      } catch (error) {
        if (!(error instanceof OvertureError && error.code === 'unavailable')) this.#onError(error);
      }
      if (!more && !this.#woken && this.#running) await this.#idle();
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#intervalMs);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}

/** Names this process's claims (host, pid, a random part), so a claim can be told from another's. */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
