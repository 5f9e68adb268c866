import { sql } from 'kysely';
import type { UserActivity } from '../domain/activity/user-activity.js';
import { type PairConsent, pairConsent } from '../domain/policy/consent.js';
import { compare } from '../domain/signals/activity-delta.js';
import type { Consent } from '../domain/suggestions/lifecycle.js';
import { decodeUserActivity } from './codecs/activity-codec.js';
import { epochMs, fromEpochMs } from './codecs/epoch-ms.js';
import type { Db } from './schema.js';
import { pairKey } from './user.repository.js';

/** What a decision reads of a pair's rows: the consent that applies, the user's zone and model, the pair's trust, snooze and last messages. */
interface PairRow {
  userId: string;
  characterId: string;
  consent: PairConsent;
  snoozedUntilMs: number | null;
  snoozedBy: string | null;
  userLastInboundAtMs: number | null;
  trust: number;
  lastInboundAtMs: number | null;
  lastOutboundAtMs: number | null;
}

/** A user's zone and activity model, as a decision reads them. */
interface UserModel {
  timezone: string | null;
  model: UserActivity | null;
}

/**
 * The rows of the pairs, and each user's zone and model once: one statement, a primary-key
 * probe per user and per pair (as `readUserActivities`, so a tenant's statistics never turn it
 * into a scan). Pairs whose user is gone are missing. Only what `decide` reads travels:
 * timestamps as epoch milliseconds (`epochMs`), the model as base64 (a third fewer bytes than
 * bytea's hex, for PostgreSQL to send and the driver to read), no model version.
 */
export async function readPairRows(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
): Promise<{ pairs: PairRow[]; activities: Map<string, UserModel> }> {
  const activities = new Map<string, UserModel>();
  if (pairs.length === 0) return { pairs: [], activities };
  // probed in key order, where neighbouring probes share index and heap pages; answered in the
  // callers' order, which decides which of a user's pairs acts first
  const sorted = [...pairs].sort(
    (a, b) => compare(a.userId, b.userId) || compare(a.characterId, b.characterId),
  );
  const { rows } = await sql<{
    user_id: string;
    character_id: string;
    consent: Consent;
    consent_at: string | null;
    consent_event_id: string | null;
    pair_consent: Consent | null;
    pair_consent_at: string | null;
    pair_consent_event_id: string | null;
    snoozed_until: string | null;
    snoozed_by: string | null;
    timezone: string | null;
    activity: string | null;
    user_last_inbound_at: string | null;
    trust: number | null;
    last_inbound_at: string | null;
    last_outbound_at: string | null;
  }>`
    select k.user_id, k.character_id, u.consent, ${epochMs('u.consent_updated_at')} as consent_at,
           u.consent_event_id, c.consent as pair_consent, ${epochMs('c.consent_updated_at')} as pair_consent_at,
           c.consent_event_id as pair_consent_event_id, ${epochMs('c.snoozed_until')} as snoozed_until, c.snoozed_by,
           u.timezone, encode(u.activity, 'base64') as activity,
           ${epochMs('u.last_inbound_at')} as user_last_inbound_at, c.trust,
           ${epochMs('c.last_inbound_at')} as last_inbound_at, ${epochMs('c.last_outbound_at')} as last_outbound_at
    from unnest(${sorted.map((p) => p.userId)}::text[], ${sorted.map((p) => p.characterId)}::text[])
         as k(user_id, character_id)
    cross join lateral (
      select consent, consent_updated_at, consent_event_id, timezone, activity, last_inbound_at from users
      where tenant_id = ${tenantId} and user_id = k.user_id limit 1
    ) as u
    left join lateral (
      select trust, consent, consent_updated_at, consent_event_id, snoozed_until, snoozed_by,
             last_inbound_at, last_outbound_at from user_characters
      where tenant_id = ${tenantId} and user_id = k.user_id and character_id = k.character_id limit 1
    ) as c on true`.execute(db);
  const found = new Map<string, PairRow>();
  for (const r of rows) {
    if (!activities.has(r.user_id))
      activities.set(r.user_id, {
        timezone: r.timezone,
        // base64 as PostgreSQL writes it, a line break every 76 characters, which Buffer skips
        model: r.activity === null ? null : decodeUserActivity(Buffer.from(r.activity, 'base64')),
      });
    found.set(pairKey(r.user_id, r.character_id), {
      userId: r.user_id,
      characterId: r.character_id,
      consent: pairConsent(
        { consent: r.consent, atMs: fromEpochMs(r.consent_at), eventId: r.consent_event_id },
        r.pair_consent === null
          ? null
          : {
              consent: r.pair_consent,
              atMs: fromEpochMs(r.pair_consent_at),
              eventId: r.pair_consent_event_id,
            },
      ),
      snoozedUntilMs: fromEpochMs(r.snoozed_until),
      snoozedBy: r.snoozed_by,
      userLastInboundAtMs: fromEpochMs(r.user_last_inbound_at),
      trust: r.trust ?? 0,
      lastInboundAtMs: fromEpochMs(r.last_inbound_at),
      lastOutboundAtMs: fromEpochMs(r.last_outbound_at),
    });
  }
  const out: PairRow[] = [];
  for (const p of pairs) {
    const row = found.get(pairKey(p.userId, p.characterId));
    if (row) out.push(row);
  }
  return { pairs: out, activities };
}

/** Whether each character may speak first; characters not found are missing. */
export async function readCharacterSwitches(db: Db, tenantId: string, characterIds: readonly string[]) {
  const switches = new Map<string, boolean>();
  if (characterIds.length === 0) return switches;
  const rows = await db
    .selectFrom('characters')
    .select(['character_id', 'proactive_enabled'])
    .where('tenant_id', '=', tenantId)
    .where('character_id', '=', sql<string>`any(${[...characterIds]}::text[])`)
    .execute();
  for (const r of rows) switches.set(r.character_id, r.proactive_enabled);
  return switches;
}

/**
 * Locks the users' rows so that decisions to act on one user serialise. They are locked one by
 * one in the order ingest writes them (`compare`, not the database's collation), so the two never
 * deadlock.
 */
export async function lockUsers(db: Db, tenantId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  await sql`
    select u.user_id
    from unnest(${[...userIds].sort(compare)}::text[]) with ordinality as k(user_id, n)
    cross join lateral (
      select user_id from users where tenant_id = ${tenantId} and user_id = k.user_id for update
    ) as u`.execute(db);
}

/** Whether the tenant's stored policy allows proactive messages, read under a share lock so a concurrent change waits (or wins). */
export async function allowsProactiveLocked(db: Db, tenantId: string): Promise<boolean> {
  const { rows } = await sql<{ allowed: boolean | null }>`
    select (settings ->> 'allowProactive')::boolean as allowed from policies
    where tenant_id = ${tenantId} for share`.execute(db);
  return rows[0]?.allowed ?? false;
}
