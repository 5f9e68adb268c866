import type { Trigger } from '../../domain/triggers/trigger.js';
import type { DeliveryRow } from '../../storage/delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import type { EngineContext } from '../kernel/resources.js';
import { prepareEvents, storeEvents } from '../signals/ingest.js';

/**
 * The message sent, as the user's `message_out` event (id `overture:<deliveryId>`, so recording it
 * twice is a no-op): their last contact, counts and silence follow from it as from the bot's own.
 * A proactive one becomes an outcome; a funnel step that answers the user does not.
 */
export async function recordMessageOut(
  trx: Db,
  ctx: EngineContext,
  d: DeliveryRow,
  triggers: readonly Trigger[],
  now: Date,
) {
  const { unique } = prepareEvents([
    {
      id: `overture:${d.deliveryId}`,
      kind: 'message_out',
      userId: d.userId,
      characterId: d.characterId,
      at: now.toISOString(),
      text: d.text,
      channel: d.channel,
      meta: { proactive: !d.answers, deliveryId: d.deliveryId, suggestionId: d.suggestionId },
    },
  ]);
  // a funnel's step after its hook answers the user: not a proactive message, so no outcome
  const sent = d.answers
    ? undefined
    : {
        deliveryId: d.deliveryId,
        suggestionId: d.suggestionId,
        userId: d.userId,
        characterId: d.characterId,
        at: now,
      };
  const { outcomes } = await storeEvents(trx, ctx, d.tenantId, unique, triggers, now, sent);
  return outcomes;
}
