/**
 * A delivery's life: `queued` (waiting for its attempt time) → `sending` (a worker holds it under
 * a lease) → `sent`, or back to `queued` after a retryable failure, or `failed` (permanent, or the
 * last retry) or `unknown` (handed over and no answer: perhaps sent, never resent automatically).
 * `handed_off`: given to the bot on the stream, waiting for its report.
 */
export const DELIVERY_STATUSES = ['queued', 'sending', 'handed_off', 'sent', 'failed', 'unknown'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
