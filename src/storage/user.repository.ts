import { sql } from 'kysely';
import type { UserPatch } from '../contract/user.schema.js';
import type { UserActivity } from '../domain/activity/user-activity.js';
import type { Audience } from '../domain/delivery/choose-channel.js';
import type { Consent } from '../domain/suggestions/lifecycle.js';
import { ACTIVITY_COLUMNS, type ActivityRecord, toActivityRecord } from './activity-columns.js';
import { decodeUserActivity } from './codecs/activity-codec.js';
import { epochMs, fromEpochMs } from './codecs/epoch-ms.js';
import type { Db } from './schema.js';
import { listUnreachable } from './unreachable-address.repository.js';

export interface UserRecord {
  userId: string;
  timezone: string | null;
  locale: string | null;
  addresses: Record<string, string>;
  /** Who reads each address, where the user's address says so. */
  addressAudiences: Record<string, Audience>;
  preferredChannel: string | null;
  unreachable: { channel: string; address: string; reason: string; at: Date }[];
  consent: Consent;
  consentUpdatedAt: Date | null;
  /** The message that set the consent ("stop messaging me, all of you"), when one did. */
  consentEventId: string | null;
  createdAt: Date;
  updatedAt: Date;
  activity: ActivityRecord;
  characters: PairRecord[];
}

/** A (user, character) relationship as stored: trust, the pair's own consent, its snooze, its activity. */
export interface PairRecord {
  characterId: string;
  trust: number;
  consent: Consent;
  consentUpdatedAt: Date | null;
  consentEventId: string | null;
  snoozedUntil: Date | null;
  snoozedBy: string | null;
  activity: ActivityRecord;
}

export async function findUser(db: Db, tenantId: string, userId: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .select([
      'user_id',
      'timezone',
      'locale',
      'addresses',
      'address_audiences',
      'preferred_channel',
      'consent',
      'consent_updated_at',
      'consent_event_id',
      'created_at',
      'updated_at',
      ...ACTIVITY_COLUMNS,
    ])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const pairs = await db
    .selectFrom('user_characters')
    .select([
      'character_id',
      'trust',
      'consent',
      'consent_updated_at',
      'consent_event_id',
      'snoozed_until',
      'snoozed_by',
      ...ACTIVITY_COLUMNS,
    ])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('character_id')
    .execute();
  const unreachable = await listUnreachable(db, tenantId, userId);
  return {
    userId: row.user_id,
    timezone: row.timezone,
    locale: row.locale,
    addresses: row.addresses ?? {},
    addressAudiences: row.address_audiences ?? {},
    preferredChannel: row.preferred_channel,
    unreachable,
    consent: row.consent,
    consentUpdatedAt: row.consent_updated_at,
    consentEventId: row.consent_event_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activity: toActivityRecord(row),
    characters: pairs.map((p) => ({
      characterId: p.character_id,
      trust: Number(p.trust),
      consent: p.consent,
      consentUpdatedAt: p.consent_updated_at,
      consentEventId: p.consent_event_id,
      snoozedUntil: p.snoozed_until,
      snoozedBy: p.snoozed_by,
      activity: toActivityRecord(p),
    })),
  };
}

/**
 * Applies a partial update, creating the user when the bot registers one before any event.
 * Addresses merge as in JSON merge patch: given keys are set, keys given as null are removed. An
 * address given with `public` records who reads it; one given as a plain string forgets what was
 * recorded (the character's default applies again). One statement, so concurrent patches of
 * different fields do not overwrite each other.
 */
export async function patchUser(db: Db, tenantId: string, userId: string, patch: UserPatch, now: Date) {
  const set: Record<string, string> = {};
  const audiences: Record<string, Audience> = {};
  const remove: string[] = [];
  for (const [channel, entry] of Object.entries(patch.addresses ?? {})) {
    if (entry === null) remove.push(channel);
    else if (typeof entry === 'string') set[channel] = entry;
    else {
      set[channel] = entry.address;
      audiences[channel] = entry.public ? 'public' : 'private';
    }
  }
  const touched = Object.keys(patch.addresses ?? {});
  const has = (field: keyof UserPatch) => patch[field] !== undefined;
  await sql`
    insert into users as u (tenant_id, user_id, timezone, locale, addresses, address_audiences, preferred_channel, consent, consent_updated_at, created_at, updated_at)
    values (${tenantId}, ${userId}, ${patch.timezone ?? null}, ${patch.locale ?? null}, ${JSON.stringify(set)}::jsonb,
            ${JSON.stringify(audiences)}::jsonb,
            ${patch.preferredChannel ?? null}, ${patch.consent ?? 'unknown'}, ${has('consent') ? now : null}, ${now}, ${now})
    on conflict (tenant_id, user_id) do update set
      timezone = case when ${has('timezone')} then excluded.timezone else u.timezone end,
      preferred_channel = case when ${has('preferredChannel')} then excluded.preferred_channel else u.preferred_channel end,
      locale = case when ${has('locale')} then excluded.locale else u.locale end,
      addresses = (u.addresses || excluded.addresses) - ${remove}::text[],
      address_audiences = (u.address_audiences - ${touched}::text[]) || excluded.address_audiences,
      consent = case when ${has('consent')} then excluded.consent else u.consent end,
      consent_updated_at = case when ${has('consent')} and excluded.consent <> u.consent then ${now}::timestamptz
                                else u.consent_updated_at end,
      consent_event_id = case when ${has('consent')} and excluded.consent <> u.consent then null
                              else u.consent_event_id end,
      updated_at = ${now}`.execute(db);
  // an address set again is tried again: the bot says it works (the user unblocked it, say)
  if (touched.length > 0)
    await db
      .deleteFrom('unreachable_addresses')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('channel', 'in', touched)
      .execute();
}

interface UserListItem {
  userId: string;
  timezone: string | null;
  consent: Consent;
  lastActivityAt: Date | null;
  createdAt: Date;
}

/** Users in id order, after a cursor (the last id of the previous page). */
export async function listUsers(db: Db, tenantId: string, page: { after?: string; limit: number }) {
  let query = db
    .selectFrom('users')
    .select(['user_id', 'timezone', 'consent', 'last_activity_at', 'created_at'])
    .where('tenant_id', '=', tenantId);
  if (page.after !== undefined) query = query.where('user_id', '>', page.after);
  const rows = await query.orderBy('user_id').limit(page.limit).execute();
  return rows.map(
    (r): UserListItem => ({
      userId: r.user_id,
      timezone: r.timezone,
      consent: r.consent,
      lastActivityAt: r.last_activity_at,
      createdAt: r.created_at,
    }),
  );
}

/** The zones the bot gave the tenant's users, with how many users have each. */
export async function countGivenZones(db: Db, tenantId: string): Promise<{ zone: string; users: number }[]> {
  const rows = await db
    .selectFrom('users')
    .select(['timezone', (eb) => eb.fn.countAll<string>().as('users')])
    .where('tenant_id', '=', tenantId)
    .where('timezone', 'is not', null)
    .groupBy('timezone')
    .execute();
  return rows.map((r) => ({ zone: r.timezone!, users: Number(r.users) }));
}

/** Sets the bot's trust in a (user, character) relationship; false when the pair does not exist. */
export async function setPairTrust(
  db: Db,
  tenantId: string,
  userId: string,
  characterId: string,
  trust: number,
): Promise<boolean> {
  const result = await db
    .updateTable('user_characters')
    .set({ trust })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('character_id', '=', characterId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The users' languages, when known (what an opener is written in); a user not found is left out. */
export async function findUserLocales(
  db: Db,
  tenantId: string,
  userIds: readonly string[],
): Promise<Map<string, string | null>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['user_id', 'locale'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((r) => [r.user_id, r.locale]));
}

export async function userExists(db: Db, tenantId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** What a message about to leave reads of its user: consent, and the zone or what infers it. */
export interface UserAtSend {
  consent: Consent;
  timezone: string | null;
  /** The activity model, read only for a user without a given zone (it infers theirs). */
  model: UserActivity | null;
  /** Their last message, to any character; null: never. */
  lastInboundAtMs: number | null;
}

/**
 * The users' consent, zones and last messages as a delivery is about to be sent, for a batch: one primary-key
 * probe per id (as `readUserActivities`), the activity model only where the zone is not given.
 * A user who no longer exists is absent.
 */
export async function readUsersAtSend(db: Db, tenantId: string, userIds: readonly string[]) {
  const users = new Map<string, UserAtSend>();
  if (userIds.length === 0) return users;
  const { rows } = await sql<{
    user_id: string;
    consent: Consent;
    timezone: string | null;
    activity: Uint8Array | null;
    last_inbound_at: string | null;
  }>`
    select u.user_id, u.consent, u.timezone, u.activity, ${epochMs('u.last_inbound_at')} as last_inbound_at
    from unnest(${[...userIds]}::text[]) as k(user_id)
    cross join lateral (
      select user_id, consent, timezone, case when timezone is null then activity end as activity,
             last_inbound_at from users
      where tenant_id = ${tenantId} and user_id = k.user_id limit 1
    ) as u`.execute(db);
  for (const row of rows) {
    users.set(row.user_id, {
      consent: row.consent,
      timezone: row.timezone,
      model: row.activity ? decodeUserActivity(row.activity) : null,
      lastInboundAtMs: fromEpochMs(row.last_inbound_at),
    });
  }
  return users;
}

/** Where a user can be reached by one character, as stored (`chooseChannel` picks from it). */
export interface StoredReachability {
  addresses: Record<string, string>;
  audiences: Record<string, Audience>;
  preferred: string | null;
  lastInbound: string | null;
  characterDefault: string | null;
  /** The character's `defaults.publicChannels`. */
  publicByDefault: string[];
  /** The channels configured for the character, in no order. */
  configured: string[];
  /** Addresses known to fail, as `channel\u001faddress`. */
  unreachable: string[];
}

/** A (user, character) pair, keyed `user\u001fcharacter` in `findReachabilities`' answer. */
export const pairKey = (userId: string, characterId: string) => `${userId}\u001f${characterId}`;

/**
 * In one statement, for each (user, character) pair: the user's addresses, who reads them and the
 * preferred channel, the channel of their last message to the character, the character's default
 * and public channels and configured channels, and the user's addresses known to fail. A pair
 * whose user does not exist is absent.
 */
export async function findReachabilities(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
): Promise<Map<string, StoredReachability>> {
  const found = new Map<string, StoredReachability>();
  if (pairs.length === 0) return found;
  const { rows } = await sql<{
    user_id: string;
    character_id: string;
    addresses: Record<string, string> | null;
    audiences: Record<string, Audience> | null;
    preferred: string | null;
    last_inbound: string | null;
    character_default: string | null;
    public_channels: string[] | null;
    configured: string[] | null;
    unreachable: string[] | null;
  }>`
    select u.user_id, p.character_id, u.addresses, u.address_audiences as audiences,
      u.preferred_channel as preferred,
      (select last_inbound_channel from user_characters uc
        where uc.tenant_id = u.tenant_id and uc.user_id = u.user_id and uc.character_id = p.character_id) as last_inbound,
      c.defaults ->> 'channel' as character_default,
      array(select jsonb_array_elements_text(coalesce(c.defaults -> 'publicChannels', '[]'::jsonb))) as public_channels,
      array(select s.channel from channel_settings s
        where s.tenant_id = u.tenant_id and s.character_id = p.character_id) as configured,
      array(select x.channel || chr(31) || x.address from unreachable_addresses x
        where x.tenant_id = u.tenant_id and x.user_id = u.user_id) as unreachable
    from unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.characterId)}::text[])
      as p(user_id, character_id)
    join users u on u.tenant_id = ${tenantId} and u.user_id = p.user_id
    left join characters c on c.tenant_id = u.tenant_id and c.character_id = p.character_id`.execute(db);
  for (const row of rows)
    found.set(pairKey(row.user_id, row.character_id), {
      addresses: row.addresses ?? {},
      audiences: row.audiences ?? {},
      preferred: row.preferred,
      lastInbound: row.last_inbound,
      characterDefault: row.character_default,
      publicByDefault: row.public_channels ?? [],
      configured: row.configured ?? [],
      unreachable: row.unreachable ?? [],
    });
  return found;
}
