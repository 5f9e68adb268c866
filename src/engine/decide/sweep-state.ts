import { activityView, type DecisionState, usedKey } from '../../domain/decide/decide.js';
import type { Occasion } from '../../domain/decide/occasion.js';
import { STANDING_HISTORY_MS, standingOf } from '../../domain/outcomes/standing.js';
import type { ProactiveAct } from '../../domain/policy/frequency-cap.js';
import { type Policy, policyFor, type TenantPolicy } from '../../domain/policy/policy.js';
import { toTenantPolicy } from '../../domain/policy/policy-document.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import { loadOccasions } from '../../storage/occasion.repository.js';
import { historyOfPair, readPairHistories } from '../../storage/pair-outcomes.repository.js';
import { readCharacterSwitches, readPairRows } from '../../storage/pair-state.repository.js';
import { readRearmVersion } from '../../storage/schedule.repository.js';
import { loadSuggestionActs, type SuggestionAct } from '../../storage/suggestion.repository.js';
import { pairKey } from '../../storage/user.repository.js';
import { activitiesAt } from '../activity/activity-state.js';
import type { EngineContext } from '../kernel/resources.js';
import { engagementOfPair, pairEngagements } from '../outcomes/engagement.js';
import { getPolicy } from '../policy/policy.js';

const DAY = 86_400_000;
/** Caps count a local week; a week and a day of history covers every zone. */
export const ACTS_WINDOW_MS = 8 * DAY;

/**
 * Suggestions that did not reach the user and never will do not count against caps or backoff;
 * a held-out one never was to (its occasion is used all the same).
 */
const NOT_COUNTED = new Set(['dismissed', 'expired', 'failed', 'held_out']);

/** One claimed pair, ready for `decide`. */
export interface PairToDecide {
  userId: string;
  characterId: string;
  state: DecisionState;
  policy: Policy;
}

/** What deciding a batch of one tenant reads once: its triggers and the pairs' states. */
interface TenantBatch {
  triggers: Trigger[];
  pairs: PairToDecide[];
}

/**
 * Loads everything `decide` reads for a batch of pairs of one tenant in a handful of statements,
 * whatever the batch's size: the pairs' and users' rows, the users' activity (the tenant's
 * population read once), their suggestions of the last 8 days (caps, gaps, backoff, occasions
 * already used), the pairs' stored occasions, the policy and the characters' switches, and the
 * triggers (kept in memory, read again if another instance changed them since).
 */
export async function loadTenantBatch(
  ctx: EngineContext,
  tenantId: string,
  keys: readonly { userId: string; characterId: string }[],
  now: Date,
): Promise<TenantBatch> {
  const db = ctx.db;
  // the triggers as recent as the last change that re-armed the pairs, whatever this instance kept
  const [triggers, policyView, rows] = await Promise.all([
    readRearmVersion(db, tenantId).then((version) => ctx.triggers.atVersion(tenantId, version)),
    getPolicy(ctx, tenantId),
    readPairRows(db, tenantId, keys),
  ]);
  const userIds = [...rows.activities.keys()];
  const characterIds = [...new Set(rows.pairs.map((p) => p.characterId))];
  const [activity, acts, occasions, switches, histories] = await Promise.all([
    activitiesAt(ctx, db, tenantId, rows.activities, now),
    loadSuggestionActs(db, tenantId, userIds, new Date(now.getTime() - ACTS_WINDOW_MS)),
    loadOccasions(db, tenantId, keys, now),
    readCharacterSwitches(db, tenantId, characterIds),
    readPairHistories(db, tenantId, rows.pairs, new Date(now.getTime() - STANDING_HISTORY_MS)),
  ]);
  const tenantPolicy = toTenantPolicy(policyView);
  // engagement is read only where something asks for a least one: it reads the pairs' messages
  const engagements = asksForEngagement(tenantPolicy, triggers)
    ? await pairEngagements(db, tenantId, rows.pairs, now, histories)
    : null;
  const actsByUser = groupBy(acts, (a) => a.userId);
  const occasionsByPair = groupBy(occasions, (o) => pairKey(o.userId, o.characterId));
  const pairs: PairToDecide[] = [];
  // one policy per character: policyFor is pure, and nothing changes a pair's policy in place
  const policies = new Map<string, Policy>();
  for (const row of rows.pairs) {
    const view = activity.get(row.userId)!;
    const lastIn = row.lastInboundAtMs;
    const lastOut = row.lastOutboundAtMs;
    const history = actsOf(actsByUser.get(row.userId) ?? [], row.characterId);
    const answers = historyOfPair(histories, row.userId, row.characterId);
    const standing = standingOf(
      answers.outcomes,
      answers.feedback,
      lastIn,
      view.offsets,
      now.getTime(),
      answers.userOutcomes,
    );
    const state: DecisionState = {
      characterId: row.characterId,
      consent: row.consent.consent,
      consentBy: row.consent.by,
      consentAtMs: row.consent.atMs,
      consentEventId: row.consent.eventId,
      snoozedUntilMs: row.snoozedUntilMs,
      snoozedBy: row.snoozedBy,
      standing,
      engagement: engagementOfPair(engagements, row.userId, row.characterId),
      zone: view.offsets,
      zoneSource: view.zone.source,
      trust: row.trust,
      activity: activityView(view.distribution, standing.wrongHours),
      userLastInboundAtMs: row.userLastInboundAtMs,
      pairLastInboundAtMs: lastIn,
      pairLastContactAtMs: lastIn === null ? lastOut : lastOut === null ? lastIn : Math.max(lastIn, lastOut),
      acts: history.acts,
      occasions: (occasionsByPair.get(pairKey(row.userId, row.characterId)) ?? []).map(
        (o): Occasion => ({ triggerId: o.triggerId, key: o.key, atMs: o.atMs, expiresAtMs: o.expiresAtMs }),
      ),
      used: history.used,
      zones: ctx.activity.zones,
    };
    let policy = policies.get(row.characterId);
    if (policy === undefined) {
      policy = policyFor(tenantPolicy, row.characterId, switches.get(row.characterId) ?? true);
      policies.set(row.characterId, policy);
    }
    pairs.push({ userId: row.userId, characterId: row.characterId, state, policy });
  }
  return { triggers, pairs };
}

/** A user's suggestions as `decide` reads them for one character: acts that count, and occasions used. */
export function actsOf(suggestions: readonly SuggestionAct[], characterId: string) {
  const acts: ProactiveAct[] = [];
  const used = new Set<string>();
  for (const s of suggestions) {
    if (s.characterId === characterId) used.add(usedKey(s.triggerId, s.occasionKey));
    if (!NOT_COUNTED.has(s.status))
      acts.push({ atMs: s.createdAtMs, characterId: s.characterId, triggerId: s.triggerId });
  }
  return { acts, used };
}

/** Whether the policy (the tenant's or a character's) or an enabled trigger asks for a least engagement. */
function asksForEngagement(policy: TenantPolicy, triggers: readonly Trigger[]): boolean {
  if (policy.defaults.minEngagement !== null) return true;
  for (const own of Object.values(policy.characters)) if (own.minEngagement) return true;
  // a funnel starts only where the pair's engagement allows it
  for (const t of triggers) if (t.enabled && (t.minEngagement !== null || t.funnel !== null)) return true;
  return false;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
