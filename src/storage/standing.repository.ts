import { sql } from 'kysely';
import { epochMs, fromEpochMs } from './codecs/epoch-ms.js';
import type { Db } from './schema.js';

/** A message that asked to stop, as a change to consent. */
export interface StopRequest {
  userId: string;
  /** null: every character (the user's own consent). */
  characterId: string | null;
  eventId: string;
  at: Date;
}

/**
 * Opts the user (or the pair) out as of the message's time, unless the consent changed at or after
 * it (an explicit opt-in after the message was written wins over the message arriving late), it is
 * already an opt-out, or, for a pair, the user opted out of every character. True when it changed.
 */
export async function applyStop(db: Db, tenantId: string, stop: StopRequest): Promise<boolean> {
  if (stop.characterId === null) {
    const { rows } = await sql`
      update users set consent = 'opted_out', consent_updated_at = ${stop.at}, consent_event_id = ${stop.eventId}
      where tenant_id = ${tenantId} and user_id = ${stop.userId} and consent <> 'opted_out'
        and (consent_updated_at is null or consent_updated_at < ${stop.at})
      returning user_id`.execute(db);
    return rows.length > 0;
  }
  const { rows } = await sql`
    update user_characters set consent = 'opted_out', consent_updated_at = ${stop.at}, consent_event_id = ${stop.eventId}
    where tenant_id = ${tenantId} and user_id = ${stop.userId} and character_id = ${stop.characterId}
      and consent <> 'opted_out' and (consent_updated_at is null or consent_updated_at < ${stop.at})
      and not exists (
        select 1 from users where tenant_id = ${tenantId} and user_id = ${stop.userId} and consent = 'opted_out'
      )
    returning user_id`.execute(db);
  return rows.length > 0;
}

/** Sets a pair's own consent through the API; false when the pair does not exist. */
export async function setPairConsent(
  db: Db,
  tenantId: string,
  userId: string,
  characterId: string,
  consent: 'opted_in' | 'unknown' | 'opted_out',
  now: Date,
): Promise<boolean> {
  const { rows } = await sql`
    update user_characters set consent = ${consent}, consent_updated_at = ${now}, consent_event_id = null
    where tenant_id = ${tenantId} and user_id = ${userId} and character_id = ${characterId}
    returning user_id`.execute(db);
  return rows.length > 0;
}

/** Holds a pair's proactive messages until `until`, unless a snooze already lasts longer. */
export async function snoozePair(
  db: Db,
  tenantId: string,
  snooze: { userId: string; characterId: string; until: Date; eventId: string },
): Promise<void> {
  await sql`
    update user_characters set snoozed_until = ${snooze.until}, snoozed_by = ${snooze.eventId}
    where tenant_id = ${tenantId} and user_id = ${snooze.userId} and character_id = ${snooze.characterId}
      and (snoozed_until is null or snoozed_until < ${snooze.until})`.execute(db);
}

/** What a message about to leave reads of its pair: its own consent, and its snooze. */
export interface PairAtSend {
  consent: 'opted_in' | 'unknown' | 'opted_out';
  consentAtMs: number | null;
  consentEventId: string | null;
  snoozedUntilMs: number | null;
}

/** The pairs' own consent and snooze, keyed `user\u001fcharacter` (`pairKey`); a pair not found is absent. */
export async function readPairsAtSend(
  db: Db,
  tenantId: string,
  pairs: readonly { userId: string; characterId: string }[],
): Promise<Map<string, PairAtSend>> {
  const found = new Map<string, PairAtSend>();
  if (pairs.length === 0) return found;
  const { rows } = await sql<{
    user_id: string;
    character_id: string;
    consent: PairAtSend['consent'];
    consent_at: string | null;
    consent_event_id: string | null;
    snoozed_until: string | null;
  }>`
    select c.user_id, c.character_id, c.consent, ${epochMs('c.consent_updated_at')} as consent_at,
           c.consent_event_id, ${epochMs('c.snoozed_until')} as snoozed_until
    from unnest(${pairs.map((p) => p.userId)}::text[], ${pairs.map((p) => p.characterId)}::text[])
         as k(user_id, character_id)
    cross join lateral (
      select user_id, character_id, consent, consent_updated_at, consent_event_id, snoozed_until
      from user_characters
      where tenant_id = ${tenantId} and user_id = k.user_id and character_id = k.character_id limit 1
    ) as c`.execute(db);
  for (const r of rows)
    found.set(`${r.user_id}\u001f${r.character_id}`, {
      consent: r.consent,
      consentAtMs: fromEpochMs(r.consent_at),
      consentEventId: r.consent_event_id,
      snoozedUntilMs: fromEpochMs(r.snoozed_until),
    });
  return found;
}
