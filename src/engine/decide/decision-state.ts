import { notFound } from '../../contract/errors.js';
import { activityView, type DecisionState } from '../../domain/decide/decide.js';
import { findCharacter } from '../../storage/character.repository.js';
import { findUser } from '../../storage/user.repository.js';
import { userActivityAt } from '../activity/activity.js';
import type { EngineContext } from '../kernel/resources.js';
import { loadPolicyFor } from '../policy/policy.js';

/**
 * What `decide` needs for one (user, character) pair, read from the database as of `now`: the
 * user's consent, zone and activity, the pair's trust and last messages, and the policy as it
 * applies to the character. Proactive messages already decided (`acts`) and stored occasions
 * are added by the caller.
 */
export async function loadDecisionState(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  characterId: string,
  now: Date,
) {
  const [user, character] = await Promise.all([
    findUser(ctx.db, tenantId, userId),
    findCharacter(ctx.db, tenantId, characterId),
  ]);
  if (!user) throw notFound(`user "${userId}"`);
  if (!character) throw notFound(`character "${characterId}"`);
  const [activity, policy] = await Promise.all([
    userActivityAt(ctx, tenantId, userId, now),
    loadPolicyFor(ctx, tenantId, characterId, character.proactiveEnabled),
  ]);
  const pair = user.characters.find((c) => c.characterId === characterId);
  const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);
  const lastIn = ms(pair?.activity.lastInboundAt);
  const lastOut = ms(pair?.activity.lastOutboundAt);
  const state: DecisionState = {
    characterId,
    consent: user.consent,
    zone: activity.offsets,
    zoneSource: activity.zone.source,
    trust: pair?.trust ?? 0,
    activity: activityView(activity.distribution),
    userLastInboundAtMs: ms(user.activity.lastInboundAt),
    pairLastInboundAtMs: lastIn,
    pairLastContactAtMs: lastIn === null ? lastOut : lastOut === null ? lastIn : Math.max(lastIn, lastOut),
    acts: [],
    occasions: [],
    used: new Set(),
    zones: ctx.activity.zones,
  };
  return { state, policy, zone: activity.zone };
}
