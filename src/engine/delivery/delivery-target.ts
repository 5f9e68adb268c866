import { sql } from 'kysely';
import { type ChannelChoice, chooseChannel } from '../../domain/delivery/choose-channel.js';
import { CHANNELS } from '../../ports/channel.js';
import type { Db } from '../../storage/schema.js';

/** Channels that address a user by their id when the bot gave no address: the bot knows its users by id. */
const ADDRESSED_BY_ID = new Set(['webhook', 'stream']);

/**
 * Where a character's message to a user goes (`chooseChannel`): read in one statement from the
 * user's addresses and preferred channel, the channel of their last message to the character, the
 * character's default and configured channels, and the addresses known to fail.
 */
export async function findDeliveryTarget(
  db: Db,
  tenantId: string,
  userId: string,
  characterId: string,
): Promise<ChannelChoice> {
  const { rows } = await sql<{
    addresses: Record<string, string> | null;
    preferred: string | null;
    last_inbound: string | null;
    character_default: string | null;
    configured: string[] | null;
    unreachable: string[] | null;
  }>`
    select u.addresses, u.preferred_channel as preferred,
      (select last_inbound_channel from user_characters p
        where p.tenant_id = u.tenant_id and p.user_id = u.user_id and p.character_id = ${characterId}) as last_inbound,
      (select c.defaults ->> 'channel' from characters c
        where c.tenant_id = u.tenant_id and c.character_id = ${characterId}) as character_default,
      array(select s.channel from channel_settings s
        where s.tenant_id = u.tenant_id and s.character_id = ${characterId}) as configured,
      array(select x.channel || chr(31) || x.address from unreachable_addresses x
        where x.tenant_id = u.tenant_id and x.user_id = u.user_id) as unreachable
    from users u where u.tenant_id = ${tenantId} and u.user_id = ${userId}`.execute(db);
  const row = rows[0];
  if (!row) return { channel: null, reason: `user "${userId}" does not exist` };
  const configured = new Set(row.configured ?? []);
  return chooseChannel({
    preferred: row.preferred,
    lastInbound: row.last_inbound,
    characterDefault: row.character_default,
    configured: CHANNELS.filter((c) => configured.has(c)),
    addresses: row.addresses ?? {},
    unreachable: new Set(row.unreachable ?? []),
    addressedById: ADDRESSED_BY_ID,
    userId,
  });
}
