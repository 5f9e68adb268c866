import type { DeliveryView } from '../../contract/suggestion.schema.js';
import type { AttemptRow, DeliveryRow } from '../../storage/delivery.repository.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A delivery with its attempts, as the API shows it. */
export function deliveryView(d: DeliveryRow, attempts: readonly AttemptRow[]): DeliveryView {
  return {
    deliveryId: d.deliveryId,
    suggestionId: d.suggestionId,
    userId: d.userId,
    characterId: d.characterId,
    channel: d.channel,
    address: d.address,
    text: d.text,
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    reason: d.reason,
    externalId: d.externalId,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    sentAt: iso(d.sentAt),
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      finishedAt: iso(a.finishedAt),
      outcome: a.outcome as DeliveryView['attemptLog'][number]['outcome'],
      reason: a.reason,
      retryAfterMs: a.retryAfterMs,
    })),
  };
}
