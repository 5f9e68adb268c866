import { notFound } from '../../contract/errors.js';
import type { PairPatch, User, UserPatch } from '../../contract/user.schema.js';
import { pairConsent } from '../../domain/policy/consent.js';
import { rearmPairs } from '../../storage/schedule.repository.js';
import { setPairConsent } from '../../storage/standing.repository.js';
import { findUser, listUsers, patchUser, setPairTrust } from '../../storage/user.repository.js';
import { appendAudit } from '../kernel/audit.js';
import type { EngineContext } from '../kernel/resources.js';
import { engagementOfPair, pairEngagements } from '../outcomes/engagement.js';
import { userView } from './views.js';

/** A user with each relationship's engagement as of now (read from its outcomes and messages). */
export async function getUser(ctx: EngineContext, tenantId: string, userId: string): Promise<User> {
  const user = await findUser(ctx.db, tenantId, userId);
  if (!user) throw notFound(`user "${userId}"`);
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  const own = { consent: user.consent, atMs: ms(user.consentUpdatedAt), eventId: user.consentEventId };
  const engagements = await pairEngagements(
    ctx.db,
    tenantId,
    user.characters.map((c) => ({
      userId,
      characterId: c.characterId,
      consent: pairConsent(own, {
        consent: c.consent,
        atMs: ms(c.consentUpdatedAt),
        eventId: c.consentEventId,
      }),
    })),
    ctx.clock.now(),
  );
  return userView(user, (characterId) => engagementOfPair(engagements, userId, characterId)!);
}

/**
 * Updates a user's profile, creating the user if the bot has not reported any event yet; a change
 * of consent is audited. Their pairs are decided again now: consent or zone may have changed what
 * is allowed and when.
 */
export async function updateUser(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  patch: UserPatch,
  actor: string,
): Promise<User> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const before = patch.consent === undefined ? undefined : (await findUser(trx, tenantId, userId))?.consent;
    await patchUser(trx, tenantId, userId, patch, now);
    if (patch.consent !== undefined && before !== patch.consent)
      await appendAudit(ctx, trx, tenantId, now, {
        actor,
        action: `consent.${patch.consent}`,
        subject: `user:${userId}`,
        detail: { before: before ?? null, consent: patch.consent },
      });
    await rearmPairs(trx, tenantId, now, { userId });
  });
  ctx.events.emit('user.updated', { tenantId, userId });
  return getUser(ctx, tenantId, userId);
}

export async function listUserPage(
  ctx: EngineContext,
  tenantId: string,
  page: { after?: string; limit: number },
) {
  const users = await listUsers(ctx.db, tenantId, page);
  return {
    users: users.map((u) => ({
      userId: u.userId,
      timezone: u.timezone,
      consent: u.consent,
      lastActivityAt: u.lastActivityAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
    })),
    next: users.length === page.limit ? users.at(-1)!.userId : null,
  };
}

/**
 * Sets what the bot may set on a (user, character) relationship: trust, and the pair's own
 * consent (audited; `opted_in` reverses a stop the user typed to the character). The pair exists
 * once the user and the character have exchanged an event; before that there is nothing to set.
 */
export async function updatePair(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  characterId: string,
  patch: PairPatch,
  actor: string,
) {
  const found = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    if (patch.trust !== undefined && !(await setPairTrust(trx, tenantId, userId, characterId, patch.trust)))
      return false;
    if (patch.consent !== undefined) {
      if (!(await setPairConsent(trx, tenantId, userId, characterId, patch.consent, now))) return false;
      await appendAudit(ctx, trx, tenantId, now, {
        actor,
        action: `consent.${patch.consent}`,
        subject: `user:${userId}/character:${characterId}`,
        detail: { consent: patch.consent },
      });
    }
    await rearmPairs(trx, tenantId, now, { userId, characterId });
    return true;
  });
  if (!found) throw notFound(`conversation of user "${userId}" with character "${characterId}"`);
  const user = await getUser(ctx, tenantId, userId);
  const pair = user.characters.find((c) => c.characterId === characterId)!;
  ctx.events.emit('user.updated', { tenantId, userId });
  return { userId, ...pair };
}
