import type { Logger } from '../../ports/logger.js';
import type { DatabaseFault } from './database-fault.js';

/** A busy database is reported at most this often (with the count since), not once per statement. */
const BUSY_REPORT_EVERY_MS = 10_000;

/**
 * Whether the database answers, as every statement and connection of this process finds: one
 * log line when it stops answering and one when it is back, whatever the number of requests and
 * background rounds that fail meanwhile (they are answered 503, or retried on their next round,
 * without a line each).
 */
export class DatabaseStatus {
  readonly #logger: Logger | undefined;
  #downSince: number | undefined;
  #busyReportedAt = Number.NEGATIVE_INFINITY;
  #busySince = 0;

  constructor(logger: Logger | undefined) {
    this.#logger = logger;
  }

  get reachable(): boolean {
    return this.#downSince === undefined;
  }

  /** A statement was answered or a connection opened. */
  answered(): void {
    if (this.#downSince === undefined) return;
    const downMs = Date.now() - this.#downSince;
    this.#downSince = undefined;
    this.#logger?.info({ downMs }, 'database reachable again');
  }

  /** A statement or a connection failed with `fault` (`cause` is the driver's error). */
  failed(fault: DatabaseFault, cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (fault === 'unreachable') {
      if (this.#downSince !== undefined) return;
      this.#downSince = Date.now();
      this.#logger?.error(
        { reason, code },
        'database unreachable: requests are answered 503 and background work waits until it is back',
      );
      return;
    }
    if (this.#downSince !== undefined) return; // part of the outage already reported
    this.#busySince += 1;
    const now = Date.now();
    if (now - this.#busyReportedAt < BUSY_REPORT_EVERY_MS) return;
    this.#logger?.warn({ reason, code, count: this.#busySince }, 'database busy: statements time out');
    this.#busyReportedAt = now;
    this.#busySince = 0;
  }
}
