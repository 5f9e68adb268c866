import type { ServerResponse } from 'node:http';

/**
 * Answers a fake server scripted to be slow: after `delayMs`, unless the client gave up first
 * (its timeout, its abort), and never after the server closed (`cancelAll`).
 */
export class DelayedAnswers {
  readonly #timers = new Set<NodeJS.Timeout>();

  answer(res: ServerResponse, delayMs: number | undefined, answer: () => void): void {
    if (!delayMs) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      answer();
    }, delayMs);
    this.#timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
