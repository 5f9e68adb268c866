import type { ClaimedDelivery, SendTimeState } from '../../domain/delivery/delivery-plan.js';
import { pairConsent } from '../../domain/policy/consent.js';
import type { ProactiveAct } from '../../domain/policy/frequency-cap.js';
import { type Policy, policyFor } from '../../domain/policy/policy.js';
import { toTenantPolicy } from '../../domain/policy/policy-document.js';
import { groupBy } from '../../domain/shared/group-by.js';
import {
  type ChannelSettingsRecord,
  listChannelSettingsOf,
} from '../../storage/channel-settings.repository.js';
import {
  type ClaimedRow,
  type DeliveryRow,
  type MessageLeft,
  readMessagesLeft,
} from '../../storage/delivery.repository.js';
import { readCharacterSwitches } from '../../storage/pair-state.repository.js';
import { readPolicy } from '../../storage/policy.repository.js';
import { readPairsAtSend } from '../../storage/standing.repository.js';
import { readUsersAtSend, type UserAtSend } from '../../storage/user.repository.js';
import { type ActivityAt, activitiesAt } from '../activity/activity-state.js';
import type { EngineContext } from '../kernel/resources.js';

/** Caps count a local week; a week and a day of messages covers every zone. */
const SENT_WINDOW_MS = 8 * 86_400_000;

/** One claimed delivery, ready for `planDelivery`. */
export interface DeliveryToPlan {
  delivery: DeliveryRow;
  claimed: ClaimedDelivery;
  /** What the plan reads; the channel as stored (its secret sealed), which the adapter is built from. */
  state: SendTimeState<ChannelSettingsRecord>;
}

/**
 * Loads what planning a claimed batch of deliveries reads, per tenant in a handful of statements
 * whatever the batch's size: the users' and the pairs' consent, the pairs' snoozes, the users'
 * zones and last messages, the messages that left
 * for them in the last 8 days (the caps count them) (for a user whose zone is inferred
 * rather than given, the activity model with the tenant's population and default zone), the
 * characters' switches, the policy and the characters' channels. A claim takes as many as are
 * sent at once, so this is the state as they are about to leave, however long ago they were
 * approved, which is what `sendGate` checks. For a user whose deliveries in the claim all answer
 * them (`answerGate`: consent and the switches only), what left and the zone are not read.
 */
export async function loadDeliveryBatch(
  ctx: EngineContext,
  deliveries: readonly ClaimedRow[],
  now: Date,
): Promise<DeliveryToPlan[]> {
  const byTenant = groupBy(deliveries, (d) => d.tenantId);
  const loaded = await Promise.all(
    [...byTenant].map(([tenantId, list]) => loadTenantDeliveries(ctx, tenantId, list, now)),
  );
  const byId = new Map(loaded.flat().map((p) => [p.delivery.deliveryId, p]));
  return deliveries.map((d) => byId.get(d.deliveryId)!);
}

async function loadTenantDeliveries(
  ctx: EngineContext,
  tenantId: string,
  deliveries: readonly ClaimedRow[],
  now: Date,
): Promise<DeliveryToPlan[]> {
  const db = ctx.db;
  const characterIds = [...new Set(deliveries.map((d) => d.characterId))];
  const userIds = [...new Set(deliveries.map((d) => d.userId))];
  // a message that answers the user (a funnel's later step) is held by no rule of time: what left
  // for its user and their zone are read only for the users of the others
  const timed = new Set(deliveries.filter((d) => !d.answers).map((d) => d.userId));
  const [users, pairs, switches, policy, channels, left] = await Promise.all([
    readUsersAtSend(db, tenantId, userIds),
    readPairsAtSend(db, tenantId, deliveries),
    readCharacterSwitches(db, tenantId, characterIds),
    readPolicy(db, tenantId),
    listChannelSettingsOf(db, tenantId, characterIds),
    timed.size === 0
      ? []
      : readMessagesLeft(db, tenantId, [...timed], new Date(now.getTime() - SENT_WINDOW_MS)),
  ]);
  const leftBy = groupBy(left, (m) => m.userId);
  const sentTo = (userId: string) =>
    (leftBy.get(userId) ?? []).map(
      (m: MessageLeft): ProactiveAct => ({
        atMs: m.atMs,
        characterId: m.characterId,
        triggerId: m.triggerId,
      }),
    );
  // the activity model only for users whose zone is inferred: the bot gave the others theirs
  const inferred = new Map([...users].filter(([id, u]) => !u.timezone && timed.has(id)));
  const activity: Map<string, ActivityAt> =
    inferred.size > 0 ? await activitiesAt(ctx, db, tenantId, inferred, now) : new Map();
  const zoneOf = (userId: string, user: UserAtSend) =>
    user.timezone
      ? ctx.activity.zones.get(user.timezone)
      : // an answer's gate reads no zone: one not inferred is UTC's, and unused
        (activity.get(userId)?.offsets ?? ctx.activity.zones.get('UTC'));

  const tenantPolicy = toTenantPolicy(policy.settings);
  const policies = new Map<string, Policy | null>();
  for (const characterId of characterIds) {
    const enabled = switches.get(characterId);
    policies.set(characterId, enabled === undefined ? null : policyFor(tenantPolicy, characterId, enabled));
  }
  const channelOf = new Map(channels.map((c) => [channelKey(c.characterId, c.channel), c]));

  return deliveries.map((d) => {
    const user = users.get(d.userId);
    const pair = pairs.get(`${d.userId}\u001f${d.characterId}`) ?? null;
    return {
      delivery: d,
      claimed: claimedOf(d),
      state: {
        user: user
          ? {
              consent: pairConsent(
                { consent: user.consent, atMs: null, eventId: null },
                pair && { consent: pair.consent, atMs: pair.consentAtMs, eventId: pair.consentEventId },
              ).consent,
              snoozedUntilMs: pair?.snoozedUntilMs ?? null,
              zone: zoneOf(d.userId, user),
              lastInboundAtMs: user.lastInboundAtMs,
              sent: sentTo(d.userId),
            }
          : null,
        policy: policies.get(d.characterId) ?? null,
        channel: channelOf.get(channelKey(d.characterId, d.channel)) ?? null,
      },
    };
  });
}

/** What the plan reads of a claimed delivery. */
export function claimedOf(d: ClaimedRow): ClaimedDelivery {
  return {
    userId: d.userId,
    characterId: d.characterId,
    channel: d.channel,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    expiresAtMs: d.expiresAt.getTime(),
    mayHaveArrived: d.mayHaveArrived,
    answers: d.answers,
  };
}

const channelKey = (characterId: string, channel: string) => `${characterId}\u001f${channel}`;
