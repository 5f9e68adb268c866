import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Audience } from '../domain/delivery/choose-channel.js';
import {
  assertSuggestionTransition,
  type DeliveryStatus,
  type SuggestionStatus,
  suggestionStatusesBefore,
} from '../domain/suggestions/lifecycle.js';
import type { Channel } from '../ports/channel.js';
import { epochMs } from './codecs/epoch-ms.js';

import type { Db, DeliveriesTable, DeliveryChoice } from './schema.js';

/** A delivery as the outbox holds it. */
export interface DeliveryRow {
  tenantId: string;
  userId: string;
  deliveryId: string;
  suggestionId: string;
  characterId: string;
  channel: Channel;
  address: string;
  /** Who reads the address: a private chat, or a shared place others read. */
  audience: Audience;
  text: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  expiresAt: Date;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  externalId: string | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  /** Buttons sent with the text: each a label and the callback data the bot forwards back. */
  choices: readonly DeliveryChoice[] | null;
  /** A funnel step after the hook: it answers the user, so no cap, quiet hour or conversation holds it. */
  answers: boolean;
  /** A funnel's message: its run and place in it (0: the hook). */
  funnel: { runId: string; seq: number } | null;
}

const RETURNING =
  sql.raw(`tenant_id, user_id, delivery_id, suggestion_id, character_id, channel, address, audience, text,
  status, attempts, max_attempts, expires_at, next_attempt_at, lease_until, external_id, reason, created_at,
  updated_at, sent_at, choices, answers, funnel_run_id, funnel_seq`);

/** A row as the driver returns it (the columns RETURNING lists). */
type RawRow = Omit<Selectable<DeliveriesTable>, 'lease_token'>;

const toRow = (r: RawRow): DeliveryRow => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  deliveryId: r.delivery_id,
  suggestionId: r.suggestion_id,
  characterId: r.character_id,
  channel: r.channel,
  address: r.address,
  audience: r.audience,
  text: r.text,
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  expiresAt: r.expires_at,
  nextAttemptAt: r.next_attempt_at,
  leaseUntil: r.lease_until,
  externalId: r.external_id,
  reason: r.reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
  choices: r.choices,
  answers: r.answers,
  funnel: r.funnel_run_id === null ? null : { runId: r.funnel_run_id, seq: r.funnel_seq ?? 0 },
});

export interface NewDelivery {
  deliveryId: string;
  userId: string;
  suggestionId: string;
  characterId: string;
  channel: Channel;
  address: string;
  audience: Audience;
  text: string;
  maxAttempts: number;
  expiresAt: Date;
  choices: readonly DeliveryChoice[] | null;
  answers: boolean;
  funnel: { runId: string; seq: number } | null;
}

/**
 * Queues a suggestion's delivery, due now; a suggestion has one delivery at most (the unique key).
 * `first`: a write that goes in the same statement before it (the suggestion the delivery is of).
 */
export async function insertDelivery(
  db: Db,
  tenantId: string,
  d: NewDelivery,
  now: Date,
  first: RawBuilder<unknown> | null = null,
) {
  const { rows } = await sql<RawRow>`
    ${first === null ? sql`` : sql`with first as (${first})`}
    insert into deliveries (tenant_id, user_id, delivery_id, suggestion_id, character_id, channel, address, audience,
                            text, expires_at, status, attempts, max_attempts, next_attempt_at, created_at, updated_at,
                            choices, answers, funnel_run_id, funnel_seq)
    values (${tenantId}, ${d.userId}, ${d.deliveryId}, ${d.suggestionId}, ${d.characterId}, ${d.channel},
            ${d.address}, ${d.audience}, ${d.text}, ${d.expiresAt}, 'queued', 0, ${d.maxAttempts}, ${now}, ${now}, ${now},
            ${d.choices === null ? null : JSON.stringify(d.choices)}::jsonb, ${d.answers},
            ${d.funnel?.runId ?? null}, ${d.funnel?.seq ?? null})
    on conflict do nothing
    returning ${RETURNING}`.execute(db);
  return rows[0] && toRow(rows[0]);
}

/** A delivery as a worker claimed it for an attempt. */
export interface ClaimedRow extends DeliveryRow {
  /** An earlier attempt's outcome is `unknown` or `lost`: it may have reached the user. */
  mayHaveArrived: boolean;
}

/**
 * Claims up to `limit` queued deliveries that are due, of any tenant, oldest due first: each goes
 * to `sending` under this worker's lease with its attempt counted, and its suggestion to
 * `sending`, in one transaction committed before anything is handed to a platform. The attempt is
 * recorded only when the message is handed over (`startAttempt`): a claim whose lease ends without
 * that was never sent, and `recoverLapsed` queues it again.
 */
export async function claimDeliveries(
  db: Db,
  token: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedRow[]> {
  assertSuggestionTransition('approved', 'sending');
  // one statement, so one commit: the claim and its suggestions marked `sending` with it
  const { rows } = await sql<RawRow & { may_have_arrived: boolean }>`
    with claimed as (
      update deliveries set status = 'sending', attempts = attempts + 1, lease_token = ${token},
        lease_until = ${leaseUntil}, next_attempt_at = null, updated_at = ${now}
      where ctid = any(array(
        -- per tenant, a probe of the partial index in due order; then the oldest due of them.
        -- One scan ordered across tenants read and sorted every due row on each claim: 32 ms a
        -- claim at 100,000 queued, against 0.05 ms so.
        select s.row_id from tenants t
        cross join lateral (
          select d.ctid as row_id, d.next_attempt_at from deliveries d
          where d.tenant_id = t.tenant_id and d.status = 'queued' and d.next_attempt_at <= ${now}
          order by d.next_attempt_at
          limit ${limit}
          for update of d skip locked
        ) s
        order by s.next_attempt_at
        limit ${limit}
      ))
      returning ${RETURNING}, exists(
        select 1 from delivery_attempts a
        where a.tenant_id = deliveries.tenant_id and a.user_id = deliveries.user_id
          and a.delivery_id = deliveries.delivery_id and a.outcome in ('unknown', 'lost')
      ) as may_have_arrived
    ), marked as (
      update suggestions s set status = 'sending', updated_at = ${now}
      from claimed c
      where s.tenant_id = c.tenant_id and s.user_id = c.user_id and s.suggestion_id = c.suggestion_id
        and s.status = 'approved'
    )
    select * from claimed`.execute(db);
  return rows.map((r) => ({ ...toRow(r), mayHaveArrived: r.may_have_arrived }));
}

/**
 * Marks the claimed attempt as handed over, just before the message goes to its platform: the
 * attempt's record opens (started now), and the lease runs again from now. False when this
 * worker's lease no longer holds the delivery (it was recovered meanwhile): then it must not be
 * sent. The delivery's row is locked by the update, so a recovery either waits for this and sees
 * the attempt handed over, or went first and this finds the lease gone.
 */
export async function startAttempt(
  db: Db,
  d: DeliveryRow,
  token: string,
  now: Date,
  leaseUntil: Date,
): Promise<boolean> {
  const { rows } = await sql<{ attempt: number }>`
    with held as (
      update deliveries set lease_until = ${leaseUntil}, updated_at = ${now}
      where tenant_id = ${d.tenantId} and user_id = ${d.userId} and delivery_id = ${d.deliveryId}
        and status = 'sending' and lease_token = ${token}
      returning tenant_id, user_id, delivery_id, attempts
    )
    insert into delivery_attempts (tenant_id, user_id, delivery_id, attempt, started_at)
    select tenant_id, user_id, delivery_id, attempts, ${now} from held
    on conflict do nothing
    returning attempt`.execute(db);
  return rows.length > 0;
}

/** What a finished attempt makes of its delivery. */
export type AttemptOutcome =
  | { status: 'sent'; externalId: string | null }
  | {
      status: 'queued';
      nextAttemptAt: Date;
      reason: string;
      retryAfterMs: number | null;
      attempt: 'retry' | 'unknown';
    }
  /** `expired`: the suggestion's time ran out before it could be sent; it ends `expired`, not `failed`. */
  | { status: 'failed'; reason: string; attempt: 'retry' | 'permanent'; expired?: boolean }
  /** `attempt`: what this attempt was; an earlier one may have arrived when it is not `unknown`. */
  | { status: 'unknown'; reason: string; attempt: 'unknown' | 'retry' | 'permanent' }
  | { status: 'handed_off'; leaseUntil: Date }
  /** Not sent now (quiet hours, a conversation, the worker stopping): queued again for `nextAttemptAt`, the attempt not counted. */
  | { status: 'deferred'; nextAttemptAt: Date; reason: string };

/** The suggestion's status once its delivery is here. */
const SUGGESTION_STATUS: Record<AttemptOutcome['status'], SuggestionStatus> = {
  sent: 'sent',
  queued: 'sending',
  failed: 'failed',
  unknown: 'unknown',
  handed_off: 'sending',
  deferred: 'sending',
};

/**
 * Records what became of the claimed attempt, if this worker's lease still holds it (one that
 * lapsed has been recovered meanwhile, and that stands); moves the suggestion along with it, and
 * closes the attempt's record. Returns the delivery as written, or undefined when the lease was lost.
 */
export async function finishAttempt(
  db: Db,
  delivery: DeliveryRow,
  token: string,
  outcome: AttemptOutcome,
  now: Date,
): Promise<DeliveryRow | undefined> {
  const reason = 'reason' in outcome ? outcome.reason : null;
  const deferred = outcome.status === 'deferred';
  const at = sql`tenant_id = ${delivery.tenantId} and user_id = ${delivery.userId}`;
  const attempt =
    outcome.status === 'sent'
      ? 'sent'
      : outcome.status === 'handed_off' || outcome.status === 'deferred'
        ? null
        : outcome.attempt;
  const suggestionStatus: SuggestionStatus =
    outcome.status === 'failed' && outcome.expired ? 'expired' : SUGGESTION_STATUS[outcome.status];
  // one statement: the delivery, its attempt's record and its suggestion move together, and
  // only when the update found the lease this worker holds
  const { rows } = await sql<RawRow>`
    with written as (
      update deliveries set status = ${deferred ? 'queued' : outcome.status},
        attempts = attempts - ${deferred ? 1 : 0},
        next_attempt_at = ${outcome.status === 'queued' || outcome.status === 'deferred' ? outcome.nextAttemptAt : null},
        lease_token = ${outcome.status === 'handed_off' ? token : null},
        lease_until = ${outcome.status === 'handed_off' ? outcome.leaseUntil : null},
        external_id = ${outcome.status === 'sent' ? outcome.externalId : null},
        sent_at = ${outcome.status === 'sent' ? now : null},
        reason = ${reason}, updated_at = ${now}
      where ${at} and delivery_id = ${delivery.deliveryId} and status = 'sending' and lease_token = ${token}
      returning ${RETURNING}
    ), ${
      deferred
        ? // no attempt was made: no record of one (there is none unless it was handed over), and
          // the suggestion stays as it was
          sql`unmade as (
          delete from delivery_attempts
          where ${at} and delivery_id = ${delivery.deliveryId} and attempt = ${delivery.attempts}
            and exists (select 1 from written)
        )`
        : sql`${recordAttempt(delivery, attempt, reason, outcome.status === 'queued' ? outcome.retryAfterMs : null, now)},
        moved as (
          update suggestions set status = ${suggestionStatus}, status_reason = ${outcome.status === 'sent' ? null : reason},
            updated_at = ${now}
          where ${at} and suggestion_id = ${delivery.suggestionId}
            and status = any(${suggestionStatusesBefore(suggestionStatus)}::text[])
            and exists (select 1 from written)
        )`
    }
    select * from written`.execute(db);
  return rows.length === 0 ? undefined : toRow(rows[0]!);
}

/**
 * `finishAttempt`'s part that records the claimed attempt (of the delivery it `written`) with its
 * outcome (`null`: still open, a message handed to the bot): opened when it was handed over, or now, started at the claim, for one whose outcome came
 * without a send (the gate stopped it, its channel is gone). An attempt is closed once (a lost one
 * stays lost).
 */
function recordAttempt(
  d: DeliveryRow,
  outcome: string | null,
  reason: string | null,
  retryAfterMs: number | null,
  now: Date,
) {
  return sql`recorded as (
    insert into delivery_attempts as a (tenant_id, user_id, delivery_id, attempt, started_at, finished_at, outcome, reason, retry_after_ms)
    select tenant_id, user_id, delivery_id, ${d.attempts}::int, ${d.updatedAt}::timestamptz,
           ${outcome === null ? null : now}::timestamptz, ${outcome}::text, ${reason}::text, ${retryAfterMs}::int
    from written
    on conflict (tenant_id, user_id, delivery_id, attempt) do update set
      finished_at = excluded.finished_at, outcome = excluded.outcome, reason = excluded.reason,
      retry_after_ms = excluded.retry_after_ms
    where a.outcome is null
  )`;
}

/** Closes the delivery's current attempt with its outcome; an attempt is closed once (a lost one stays lost). */
async function closeAttempt(
  db: Db,
  d: DeliveryRow,
  outcome: string | null,
  reason: string | null,
  retryAfterMs: number | null,
  now: Date,
) {
  if (outcome === null) return;
  await sql`
    update delivery_attempts set finished_at = ${now}, outcome = ${outcome}, reason = ${reason},
      retry_after_ms = ${retryAfterMs}
    where tenant_id = ${d.tenantId} and user_id = ${d.userId} and delivery_id = ${d.deliveryId}
      and attempt = ${d.attempts} and outcome is null`.execute(db);
}

/**
 * Moves the delivery's suggestion to `status` when the lifecycle allows that from the status it is
 * in; one already in a final status is left as it is.
 */
async function setSuggestionStatus(
  db: Db,
  d: DeliveryRow,
  status: SuggestionStatus,
  reason: string | null,
  now: Date,
) {
  await sql`
    update suggestions set status = ${status}, status_reason = ${reason}, updated_at = ${now}
    where tenant_id = ${d.tenantId} and user_id = ${d.userId} and suggestion_id = ${d.suggestionId}
      and status = any(${suggestionStatusesBefore(status)}::text[])`.execute(db);
}

/**
 * Deliveries whose worker's lease ended while `sending`: the worker died (or stalled, or lost the
 * database) after claiming. One it never handed over (no attempt recorded) was certainly not
 * sent: it is queued again, due now, its attempt not counted. One handed over may have been sent:
 * on a channel that deduplicates by the delivery's id (`idempotent`) it is queued again, due now,
 * and the resend is a no-op if the first got through; on any other it becomes `unknown` and is
 * not resent. A `handed_off` one whose report did not come in time becomes `unknown` too. The
 * open attempt of one handed over is closed as `lost`.
 */
export async function recoverLapsed(
  db: Db,
  now: Date,
  idempotent: readonly Channel[],
  limit: number,
): Promise<DeliveryRow[]> {
  return db.transaction().execute(async (trx) => {
    const { rows: unsent } = await sql<RawRow>`
      update deliveries set status = 'queued', attempts = attempts - 1, next_attempt_at = ${now},
        reason = 'the worker stopped before sending it; queued again',
        lease_token = null, lease_until = null, updated_at = ${now}
      where ctid = any(array(
        select d.ctid from deliveries d
        where d.status = 'sending' and d.lease_until <= ${now}
          and not exists (
            select 1 from delivery_attempts a
            where a.tenant_id = d.tenant_id and a.user_id = d.user_id and a.delivery_id = d.delivery_id
              and a.attempt = d.attempts
          )
        limit ${limit}
        for update of d skip locked
      ))
      returning ${RETURNING}`.execute(trx);
    const { rows } = await sql<RawRow>`
      update deliveries set
        status = case when status = 'sending' and channel = any(${idempotent}::text[]) then 'queued' else 'unknown' end,
        next_attempt_at = case when status = 'sending' and channel = any(${idempotent}::text[]) then ${now}::timestamptz end,
        reason = case
          when status = 'handed_off' then 'the bot did not report what became of the message in time'
          when channel = any(${idempotent}::text[]) then 'the worker stopped before recording the answer; sent again with the same idempotency key'
          else 'the worker stopped after handing the message over, before recording the answer: it may have been sent'
        end,
        lease_token = null, lease_until = null, updated_at = ${now}
      where ctid = any(array(
        select ctid from deliveries
        where status in ('sending', 'handed_off') and lease_until <= ${now}
        limit ${Math.max(0, limit - unsent.length)}
        for update skip locked
      ))
      returning ${RETURNING}`.execute(trx);
    const recovered = rows.map(toRow);
    for (const d of recovered) {
      await closeAttempt(trx, d, 'lost', d.reason, null, now);
      if (d.status === 'unknown') await setSuggestionStatus(trx, d, 'unknown', d.reason, now);
    }
    return [...unsent.map(toRow), ...recovered];
  });
}

/**
 * The bot's report on a message handed to it on the stream, or a person's word on one whose
 * outcome is unknown: sent or failed. Returns the delivery as written, undefined when it is in
 * neither state.
 */
export async function reportDelivery(
  db: Db,
  tenantId: string,
  deliveryId: string,
  report: { status: 'sent' | 'failed'; reason: string | null; externalId: string | null },
  now: Date,
): Promise<DeliveryRow | undefined> {
  const { rows } = await sql<RawRow>`
    update deliveries set status = ${report.status}, reason = ${report.reason},
      external_id = coalesce(${report.externalId}, external_id),
      sent_at = ${report.status === 'sent' ? now : null}, lease_token = null, lease_until = null, updated_at = ${now}
    where tenant_id = ${tenantId} and delivery_id = ${deliveryId} and status in ('handed_off', 'unknown')
    returning ${RETURNING}`.execute(db);
  if (rows.length === 0) return undefined;
  const d = toRow(rows[0]!);
  // the attempt a bot reports on is still open; one recovered as lost keeps that
  await closeAttempt(db, d, report.status === 'sent' ? 'sent' : 'permanent', report.reason, null, now);
  await setSuggestionStatus(db, d, report.status, report.reason, now);
  return d;
}

/** A proactive message that left for a user: sent, or perhaps (`unknown`, `handed_off`). */
export interface MessageLeft {
  userId: string;
  characterId: string;
  triggerId: string;
  /** When it was sent, or last changed (perhaps sent). */
  atMs: number;
}

/**
 * The proactive messages that left for `userIds` since `since` (sent, or that may have arrived),
 * from any character, each at the instant it left: what the send-time caps count. Per user a
 * range of the primary key (the user's deliveries, a few a day at most under any caps), as
 * `loadSuggestionActs` reads suggestions.
 */
export async function readMessagesLeft(
  db: Db,
  tenantId: string,
  userIds: readonly string[],
  since: Date,
): Promise<MessageLeft[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<{ user_id: string; character_id: string; trigger_id: string; at: string }>`
    select d.user_id, d.character_id, s.trigger_id, ${epochMs('d.left_at')} as at
    from unnest(${[...userIds]}::text[]) as k(user_id)
    cross join lateral (
      select user_id, character_id, suggestion_id, coalesce(sent_at, updated_at) as left_at from deliveries
      where tenant_id = ${tenantId} and user_id = k.user_id and status in ('sent', 'unknown', 'handed_off')
        and coalesce(sent_at, updated_at) > ${since} and not answers
      offset 0
    ) d
    join suggestions s on s.tenant_id = ${tenantId} and s.user_id = d.user_id and s.suggestion_id = d.suggestion_id`.execute(
    db,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    characterId: r.character_id,
    triggerId: r.trigger_id,
    atMs: Number(r.at),
  }));
}

/** A delivery by its id, and the attempts made. */
export async function findDelivery(db: Db, tenantId: string, deliveryId: string) {
  const { rows } = await sql<RawRow>`
    select ${RETURNING} from deliveries where tenant_id = ${tenantId} and delivery_id = ${deliveryId}`.execute(
    db,
  );
  return rows[0] && toRow(rows[0]);
}

export interface AttemptRow {
  attempt: number;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: string | null;
  reason: string | null;
  retryAfterMs: number | null;
}

/** A suggestion's deliveries (one at most today) with their attempts, in order. */
export async function deliveriesOfSuggestion(db: Db, tenantId: string, userId: string, suggestionId: string) {
  const { rows } = await sql<RawRow>`
    select ${RETURNING} from deliveries
    where tenant_id = ${tenantId} and user_id = ${userId} and suggestion_id = ${suggestionId}`.execute(db);
  const deliveries = rows.map(toRow);
  if (deliveries.length === 0) return [];
  const attempts = await db
    .selectFrom('delivery_attempts')
    .select(['delivery_id', 'attempt', 'started_at', 'finished_at', 'outcome', 'reason', 'retry_after_ms'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where(
      'delivery_id',
      'in',
      deliveries.map((d) => d.deliveryId),
    )
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
  return deliveries.map((d) => ({
    delivery: d,
    attempts: attempts
      .filter((a) => a.delivery_id === d.deliveryId)
      .map(
        (a): AttemptRow => ({
          attempt: a.attempt,
          startedAt: a.started_at,
          finishedAt: a.finished_at,
          outcome: a.outcome,
          reason: a.reason,
          retryAfterMs: a.retry_after_ms,
        }),
      ),
  }));
}
