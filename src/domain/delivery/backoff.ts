export interface Backoff {
  /** The delay before the second attempt. */
  baseMs: number;
  /** No delay is longer, whatever the attempt. */
  maxMs: number;
}

/**
 * How long to wait after failed attempt `attempt` (1 for the first): exponential (base × 2^(n-1),
 * capped), with equal jitter (half fixed, half drawn by `random`, in [0, 1)) so that many
 * deliveries failing together do not come back together; never sooner than a platform's
 * retry-after.
 */
export function retryDelayMs(
  attempt: number,
  backoff: Backoff,
  random: () => number,
  retryAfterMs: number | null,
): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
