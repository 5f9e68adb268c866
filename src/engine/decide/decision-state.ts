import { notFound } from '../../contract/errors.js';
import { activityView, type DecisionState } from '../../domain/decide/decide.js';
import { STANDING_HISTORY_MS, standingOf } from '../../domain/outcomes/standing.js';
import { findCharacter } from '../../storage/character.repository.js';
import { historyOfPair, readPairHistories } from '../../storage/pair-outcomes.repository.js';
import { readPairRows } from '../../storage/pair-state.repository.js';
import { loadSuggestionActs } from '../../storage/suggestion.repository.js';
import { userActivityAt } from '../activity/activity.js';
import type { EngineContext } from '../kernel/resources.js';
import { engagementOfPair, pairEngagements } from '../outcomes/engagement.js';
import { loadPolicyFor } from '../policy/policy.js';
import { ACTS_WINDOW_MS, actsOf } from './sweep-state.js';

/**
 * What `decide` needs for one (user, character) pair, read from the database as of `now`: the
 * consent that applies, the user's zone and activity, the pair's trust, snooze, last messages and
 * standing (what its outcomes say), the user's proactive messages of the last 8 days, and the
 * policy as it applies to the character. Stored occasions are the caller's.
 */
export async function loadDecisionState(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  characterId: string,
  now: Date,
) {
  const pairKey = [{ userId, characterId }];
  // the pair's row is there whenever the user is (the relationship's own columns may be empty)
  const [rows, character] = await Promise.all([
    readPairRows(ctx.db, tenantId, pairKey),
    findCharacter(ctx.db, tenantId, characterId),
  ]);
  const row = rows.pairs[0];
  if (!row) throw notFound(`user "${userId}"`);
  if (!character) throw notFound(`character "${characterId}"`);
  const [activity, policy, histories, suggestions] = await Promise.all([
    userActivityAt(ctx, tenantId, userId, now),
    loadPolicyFor(ctx, tenantId, characterId, character.proactiveEnabled),
    readPairHistories(ctx.db, tenantId, pairKey, new Date(now.getTime() - STANDING_HISTORY_MS)),
    loadSuggestionActs(ctx.db, tenantId, [userId], new Date(now.getTime() - ACTS_WINDOW_MS)),
  ]);
  const lastIn = row.lastInboundAtMs;
  const lastOut = row.lastOutboundAtMs;
  const answers = historyOfPair(histories, userId, characterId);
  const standing = standingOf(
    answers.outcomes,
    answers.feedback,
    lastIn,
    activity.offsets,
    now.getTime(),
    answers.userOutcomes,
  );
  const consent = row.consent;
  const engagements = await pairEngagements(
    ctx.db,
    tenantId,
    [{ userId, characterId, consent }],
    now,
    histories,
  );
  const state: DecisionState = {
    characterId,
    consent: consent.consent,
    consentBy: consent.by,
    consentAtMs: consent.atMs,
    consentEventId: consent.eventId,
    snoozedUntilMs: row.snoozedUntilMs,
    snoozedBy: row.snoozedBy,
    standing,
    engagement: engagementOfPair(engagements, userId, characterId),
    zone: activity.offsets,
    zoneSource: activity.zone.source,
    trust: row.trust,
    activity: activityView(activity.distribution, standing.wrongHours),
    userLastInboundAtMs: row.userLastInboundAtMs,
    pairLastInboundAtMs: lastIn,
    pairLastContactAtMs: lastIn === null ? lastOut : lastOut === null ? lastIn : Math.max(lastIn, lastOut),
    acts: actsOf(suggestions, characterId).acts,
    occasions: [],
    used: new Set(),
    zones: ctx.activity.zones,
  };
  return { state, policy, zone: activity.zone };
}
