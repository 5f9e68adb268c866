import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the fake servers of the test kit share: reading a request, answering late. */

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

/** A request's body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON when it parses, else the text as it came. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** A request's headers, lower-case names, repeated ones joined. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
