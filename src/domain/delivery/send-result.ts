/**
 * What became of one attempt. Adapters never throw for a platform's answer or a network failure;
 * they say which of these it was.
 * - `sent`: the platform accepted it (`externalId`: its message id, when it gives one).
 * - `retry`: it was certainly not delivered and may succeed later (429, 5xx, a refused
 *   connection); `retryAfterMs` when the platform said how long to wait.
 * - `permanent`: it will never succeed as it is (bot blocked, chat not found, bad token, other
 *   4xx); `unreachable` when the fault is the user's address, which is then not tried again.
 * - `unknown`: the request may have reached the platform and the answer was lost (a timeout or a
 *   reset after the request was written). Resent only by adapters that are `idempotent`.
 */
export type SendResult =
  | { outcome: 'sent'; externalId: string | null }
  | { outcome: 'retry'; reason: string; retryAfterMs: number | null }
  | { outcome: 'permanent'; reason: string; unreachable: boolean }
  | { outcome: 'unknown'; reason: string };
