import { OvertureError } from '../../contract/errors.js';
import { type ChannelChoice, chooseChannel } from '../../domain/delivery/choose-channel.js';
import { CHANNELS } from '../../ports/channel.js';
import { type DeliveryRow, insertDelivery } from '../../storage/delivery.repository.js';
import type { Db } from '../../storage/schema.js';
import { findReachability } from '../../storage/user.repository.js';
import { newId } from '../kernel/ids.js';
import type { EngineContext } from '../kernel/resources.js';

/** Channels that address a user by their id when the bot gave no address: the bot knows its users by id. */
const ADDRESSED_BY_ID = new Set(['webhook', 'stream']);

/** Where an approved suggestion went: a delivery queued, or nowhere to send it. */
type Queued = { delivery: DeliveryRow } | { delivery: null; reason: string };

/**
 * Writes the delivery of a suggestion just approved, in the caller's transaction (the outbox:
 * approval and delivery commit together, or neither does), to the channel `findDeliveryTarget`
 * chooses. With no reachable address it writes nothing and says why.
 */
export async function queueDelivery(
  trx: Db,
  ctx: EngineContext,
  s: { tenantId: string; userId: string; suggestionId: string; characterId: string; expiresAt: Date },
  text: string,
  now: Date,
): Promise<Queued> {
  const target = await findDeliveryTarget(trx, s.tenantId, s.userId, s.characterId);
  if (target.channel === null) return { delivery: null, reason: target.reason };
  const delivery = await insertDelivery(
    trx,
    s.tenantId,
    {
      deliveryId: newId('dlv', now.getTime()),
      userId: s.userId,
      suggestionId: s.suggestionId,
      characterId: s.characterId,
      channel: target.channel as DeliveryRow['channel'],
      address: target.address,
      text,
      maxAttempts: ctx.delivery.maxAttempts,
      expiresAt: s.expiresAt,
    },
    now,
  );
  // the unique key: a suggestion has one delivery, whoever approved it
  if (!delivery) throw new OvertureError('conflict', `suggestion "${s.suggestionId}" has a delivery already`);
  return { delivery };
}

/**
 * Where a character's message to a user goes (`chooseChannel`), from what is stored of the user's
 * addresses and preferred channel, the channel of their last message to the character, the
 * character's default and configured channels, and the addresses known to fail.
 */
async function findDeliveryTarget(
  db: Db,
  tenantId: string,
  userId: string,
  characterId: string,
): Promise<ChannelChoice> {
  const stored = await findReachability(db, tenantId, userId, characterId);
  if (!stored) return { channel: null, reason: `user "${userId}" does not exist` };
  const configured = new Set(stored.configured);
  return chooseChannel({
    preferred: stored.preferred,
    lastInbound: stored.lastInbound,
    characterDefault: stored.characterDefault,
    configured: CHANNELS.filter((c) => configured.has(c)),
    addresses: stored.addresses,
    unreachable: new Set(stored.unreachable),
    addressedById: ADDRESSED_BY_ID,
    userId,
  });
}
