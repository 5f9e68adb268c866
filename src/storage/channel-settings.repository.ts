import { sql } from 'kysely';
import type { Channel } from '../ports/channel.js';
import type { Db } from './schema.js';

/** A character's settings for one channel as stored: the token or secret still sealed. */
export interface ChannelSettingsRecord {
  characterId: string;
  channel: Channel;
  settings: Record<string, unknown>;
  secretSealed: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = ['character_id', 'channel', 'settings', 'secret_sealed', 'created_at', 'updated_at'] as const;

type Row = {
  character_id: string;
  channel: Channel;
  settings: Record<string, unknown>;
  secret_sealed: string | null;
  created_at: Date;
  updated_at: Date;
};

const toRecord = (row: Row): ChannelSettingsRecord => ({
  characterId: row.character_id,
  channel: row.channel,
  settings: row.settings,
  secretSealed: row.secret_sealed,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** One channel of a character; `forUpdate` locks it for a change in the caller's transaction. */
export async function findChannelSettings(
  db: Db,
  tenantId: string,
  characterId: string,
  channel: Channel,
  forUpdate = false,
): Promise<ChannelSettingsRecord | undefined> {
  let query = db
    .selectFrom('channel_settings')
    .select(COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId)
    .where('channel', '=', channel);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && toRecord(row);
}

/** The channels configured for a character, by name. */
export async function listChannelSettings(
  db: Db,
  tenantId: string,
  characterId: string,
): Promise<ChannelSettingsRecord[]> {
  const rows = await db
    .selectFrom('channel_settings')
    .select(COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId)
    .orderBy('channel')
    .execute();
  return rows.map(toRecord);
}

/** Every channel configured for any of the characters (a batch of deliveries reads them once). */
export async function listChannelSettingsOf(
  db: Db,
  tenantId: string,
  characterIds: readonly string[],
): Promise<ChannelSettingsRecord[]> {
  if (characterIds.length === 0) return [];
  const rows = await db
    .selectFrom('channel_settings')
    .select(COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', sql<string>`any(${[...characterIds]}::text[])`)
    .execute();
  return rows.map(toRecord);
}

/** Creates or replaces a character's channel; `created` tells which. */
export async function putChannelSettings(db: Db, tenantId: string, record: ChannelSettingsRecord) {
  const values = {
    settings: JSON.stringify(record.settings),
    secret_sealed: record.secretSealed,
    updated_at: record.updatedAt,
  };
  const row = await db
    .insertInto('channel_settings')
    .values({
      tenant_id: tenantId,
      character_id: record.characterId,
      channel: record.channel,
      created_at: record.createdAt,
      ...values,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'character_id', 'channel']).doUpdateSet(values))
    // xmax is 0 on a row version this statement inserted, and set on one it updated
    .returning([sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirstOrThrow();
  return { created: row.inserted };
}

export async function deleteChannelSettings(db: Db, tenantId: string, characterId: string, channel: Channel) {
  const r = await db
    .deleteFrom('channel_settings')
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', characterId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
