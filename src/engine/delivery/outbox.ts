import type { RawBuilder } from 'kysely';
import { OvertureError } from '../../contract/errors.js';
import { type Audience, type ChannelChoice, chooseChannel } from '../../domain/delivery/choose-channel.js';
import { CHANNELS } from '../../ports/channel.js';
import { type DeliveryRow, insertDelivery, type NewDelivery } from '../../storage/delivery.repository.js';
import type { Db, DeliveryChoice } from '../../storage/schema.js';
import { findReachabilities, pairKey } from '../../storage/user.repository.js';
import { newId } from '../kernel/ids.js';
import type { EngineContext } from '../kernel/resources.js';

/** Channels that address a user by their id when the bot gave no address: the bot knows its users by id. */
const ADDRESSED_BY_ID = new Set(['webhook', 'stream']);

/** A funnel's message: its run, its place (0: the hook; after it, it answers the user) and its buttons. */
export interface FunnelMessage {
  runId: string;
  seq: number;
  choices: readonly DeliveryChoice[];
}

/** Where an approved suggestion went: a delivery queued, or nowhere to send it. */
type Queued = { delivery: DeliveryRow } | { delivery: null; reason: string };

/** Where an approved suggestion's message is to go: its delivery, or why there is none. */
type Planned = { delivery: NewDelivery } | { delivery: null; reason: string };

type ApprovedSuggestion = {
  tenantId: string;
  userId: string;
  suggestionId: string;
  characterId: string;
  expiresAt: Date;
};

/**
 * Writes the delivery of a suggestion just approved, in the caller's transaction (the outbox:
 * approval and delivery commit together, or neither does), to the channel `deliveryFor` chooses,
 * or nothing, saying why.
 */
export async function queueDelivery(
  trx: Db,
  ctx: EngineContext,
  s: ApprovedSuggestion,
  text: { text: string; writtenFor: Audience },
  now: Date,
  funnel: FunnelMessage | null = null,
): Promise<Queued> {
  const planned = await deliveryFor(trx, ctx, s, text, now, funnel);
  if (planned.delivery === null) return planned;
  return { delivery: await insertPlanned(trx, s, planned.delivery, now) };
}

/**
 * Inserts a planned delivery; `first`, a write in the same statement before it (a funnel step's
 * suggestion, made with its delivery).
 */
export async function insertPlanned(
  trx: Db,
  s: ApprovedSuggestion,
  planned: NewDelivery,
  now: Date,
  first: RawBuilder<unknown> | null = null,
): Promise<DeliveryRow> {
  const delivery = await insertDelivery(trx, s.tenantId, planned, now, first);
  // the unique key: a suggestion has one delivery, whoever approved it
  if (!delivery) throw new OvertureError('conflict', `suggestion "${s.suggestionId}" has a delivery already`);
  return delivery;
}

/**
 * The delivery an approved suggestion's message would get, to the channel `findDeliveryTargets`
 * chooses; none with no reachable address, nor when the text was written for a private chat and
 * the only reachable address is a public place (it may mention what others must not read). A
 * funnel's step carries its buttons; one after the hook `answers` the user.
 */
export async function deliveryFor(
  trx: Db,
  ctx: EngineContext,
  s: ApprovedSuggestion,
  text: { text: string; writtenFor: Audience },
  now: Date,
  funnel: FunnelMessage | null,
): Promise<Planned> {
  const targets = await findDeliveryTargets(trx, s.tenantId, [s]);
  const target = targets.get(pairKey(s.userId, s.characterId))!;
  if (target.channel === null) return { delivery: null, reason: target.reason };
  if (target.audience === 'public' && text.writtenFor === 'private')
    return {
      delivery: null,
      reason: `written for a private chat, and the only reachable address is public (${target.channel} ${target.address})`,
    };
  return {
    delivery: {
      deliveryId: newId('dlv', now.getTime()),
      userId: s.userId,
      suggestionId: s.suggestionId,
      characterId: s.characterId,
      channel: target.channel as DeliveryRow['channel'],
      address: target.address,
      audience: target.audience,
      text: text.text,
      maxAttempts: ctx.delivery.maxAttempts,
      expiresAt: s.expiresAt,
      choices: funnel && funnel.choices.length > 0 ? funnel.choices : null,
      answers: (funnel?.seq ?? 0) > 0,
      funnel: funnel && { runId: funnel.runId, seq: funnel.seq },
    },
  };
}

/**
 * Where each character's message to each user goes (`chooseChannel`), from what is stored of the
 * user's addresses, who reads them and the preferred channel, the channel of their last message to
 * the character, the character's default, public and configured channels, and the addresses known
 * to fail; in one statement, keyed by `pairKey`.
 */
export async function findDeliveryTargets(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
): Promise<Map<string, ChannelChoice>> {
  const stored = await findReachabilities(db, tenantId, pairs);
  const targets = new Map<string, ChannelChoice>();
  for (const { userId, characterId } of pairs) {
    const key = pairKey(userId, characterId);
    const found = stored.get(key);
    if (!found) {
      targets.set(key, { channel: null, reason: `user "${userId}" does not exist` });
      continue;
    }
    const configured = new Set(found.configured);
    targets.set(
      key,
      chooseChannel({
        preferred: found.preferred,
        lastInbound: found.lastInbound,
        characterDefault: found.characterDefault,
        configured: CHANNELS.filter((c) => configured.has(c)),
        addresses: found.addresses,
        audiences: found.audiences,
        publicByDefault: new Set(found.publicByDefault),
        unreachable: new Set(found.unreachable),
        addressedById: ADDRESSED_BY_ID,
        userId,
      }),
    );
  }
  return targets;
}
