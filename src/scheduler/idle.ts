/**
 * An idle wait that a wake-up cuts short: a loop waits `intervalMs` between looks for work, or
 * less when something tells it there is work. A wake-up while it is busy is remembered, so the
 * loop looks again at once instead of sleeping past it.
 */
export class IdleWait {
  #wake: (() => void) | undefined;
  #woken = false;

  constructor(readonly intervalMs: number) {}

  /** Called when a loop starts looking for work: forgets earlier wake-ups. */
  looking(): void {
    this.#woken = false;
  }

  /** Whether a wake-up came since the loop started looking. */
  get woken(): boolean {
    return this.#woken;
  }

  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  wait(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.intervalMs);
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
