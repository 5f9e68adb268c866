import { speakerOf } from '../../domain/compose/compose-request.js';
import type { DraftState } from '../../domain/compose/draft-step.js';
import type { Audience, ChannelChoice } from '../../domain/delivery/choose-channel.js';
import { findCharacters } from '../../storage/character.repository.js';
import { type ClaimedDraft, findRecentOpeners } from '../../storage/draft.repository.js';
import { findOpenLoops, loopKey } from '../../storage/open-loop.repository.js';
import { findUserLocales, pairKey } from '../../storage/user.repository.js';
import { openLoopCandidate } from '../context/builtin-context.js';
import { findDeliveryTargets } from '../delivery/outbox.js';
import { loadFunnelDrafts } from '../funnels/funnel-drafts.js';
import type { EngineContext } from '../kernel/resources.js';
import { type ResolvedProvider, resolveLlmProviders } from './llm-providers.js';

/** The user's last proactive openers that a new one must not repeat. */
const RECENT_OPENERS = 5;
const LOOP = 'loop:';

/** One claimed draft with what composing it reads. */
export interface DraftToCompose {
  claim: ClaimedDraft;
  state: DraftState;
  /** The model that writes the character's openers, its key opened; none for the template. */
  provider: ResolvedProvider;
}

/**
 * Loads what composing a claimed batch of one tenant's drafts reads, in a handful of statements
 * whatever the batch's size: the triggers (kept in memory), the characters (name, persona, tone),
 * the users' locales and last openers with their topics, the model of each character (its own or
 * the tenant's), the open loops that follow-ups are about, and where each message would go (whether
 * others will read it: the opener is written for that audience), and for a funnel's message the
 * step it says. The drafts come back in the order given.
 */
export async function loadTenantDrafts(
  ctx: EngineContext,
  tenantId: string,
  drafts: readonly ClaimedDraft[],
): Promise<DraftToCompose[]> {
  const userIds = [...new Set(drafts.map((d) => d.userId))];
  const characterIds = [...new Set(drafts.map((d) => d.characterId))];
  const loops = drafts
    .filter((d) => d.occasionKey.startsWith(LOOP))
    .map((d) => ({ userId: d.userId, loopId: d.occasionKey.slice(LOOP.length) }));
  const [triggers, characters, locales, recent, providers, loopRows, targets, funnels] = await Promise.all([
    ctx.triggers.get(tenantId),
    findCharacters(ctx.db, tenantId, characterIds),
    findUserLocales(ctx.db, tenantId, userIds),
    findRecentOpeners(ctx.db, tenantId, userIds, RECENT_OPENERS),
    resolveLlmProviders(ctx, tenantId, characterIds),
    findOpenLoops(ctx.db, tenantId, loops),
    findDeliveryTargets(ctx.db, tenantId, drafts),
    loadFunnelDrafts(ctx, tenantId, drafts),
  ]);
  const loopsByKey = new Map(loopRows.map((row) => [loopKey(row.user_id, row.loop_id), row]));
  return drafts.map((claim) => {
    const character = characters.find((c) => c.characterId === claim.characterId);
    const provider = providers.get(claim.characterId)!;
    const loop = claim.occasionKey.startsWith(LOOP)
      ? loopsByKey.get(loopKey(claim.userId, claim.occasionKey.slice(LOOP.length)))
      : undefined;
    const state: DraftState = {
      suggestionId: claim.suggestionId,
      characterId: claim.characterId,
      occasionKey: claim.occasionKey,
      approval: claim.approval,
      expiresAtMs: claim.expiresAt.getTime(),
      trigger: triggers.find((t) => t.id === claim.triggerId) ?? null,
      speaker: speakerOf(claim.characterId, character),
      locale: locales.get(claim.userId) ?? null,
      audience: audienceOfTarget(targets.get(pairKey(claim.userId, claim.characterId))),
      recentOpeners: recent.get(claim.userId) ?? [],
      model: provider.settings?.model ?? null,
      modelProblem: provider.problem ?? null,
      followedLoop: loop ? { candidate: openLoopCandidate(loop), closedReason: loop.closed_reason } : null,
      funnel: funnels.get(claim.suggestionId) ?? null,
    };
    return { claim, state, provider };
  });
}

/**
 * Who will read the opener: the audience of the channel it would go to now. With no reachable
 * address, a private chat: should the only address added later be public, the outbox refuses the
 * text rather than send it there.
 */
function audienceOfTarget(target: ChannelChoice | undefined): Audience {
  return target?.channel ? target.audience : 'private';
}
