import { isoOrNull } from '../../contract/common.js';
import type { DeliveryView } from '../../contract/suggestion.schema.js';
import type { AttemptRow, DeliveryRow } from '../../storage/delivery.repository.js';

/** A delivery with its attempts, as the API shows it. */
export function deliveryView(d: DeliveryRow, attempts: readonly AttemptRow[]): DeliveryView {
  return {
    deliveryId: d.deliveryId,
    suggestionId: d.suggestionId,
    userId: d.userId,
    characterId: d.characterId,
    channel: d.channel,
    address: d.address,
    audience: d.audience,
    text: d.text,
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    reason: d.reason,
    externalId: d.externalId,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    sentAt: isoOrNull(d.sentAt),
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      finishedAt: isoOrNull(a.finishedAt),
      outcome: a.outcome as DeliveryView['attemptLog'][number]['outcome'],
      reason: a.reason,
      retryAfterMs: a.retryAfterMs,
    })),
  };
}
