import { findUser, listUsers, patchUser, setPairTrust } from '../storage/user.repository.js';
import type { EngineContext } from './context.js';
import { notFound } from './errors.js';
import type { PairPatch, User, UserPatch } from './schemas/user.schema.js';
import { userView } from './views.js';

export async function getUser(ctx: EngineContext, tenantId: string, userId: string): Promise<User> {
  const user = await findUser(ctx.db, tenantId, userId);
  if (!user) throw notFound(`user "${userId}"`);
  return userView(user);
}

/** Updates a user's profile, creating the user if the bot has not reported any event yet. */
export async function updateUser(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  patch: UserPatch,
): Promise<User> {
  const user = await ctx.db.transaction().execute(async (trx) => {
    await patchUser(trx, tenantId, userId, patch, ctx.clock.now());
    return findUser(trx, tenantId, userId);
  });
  ctx.events.emit('user.updated', { tenantId, userId });
  return userView(user!);
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
 * Sets what the bot may set on a (user, character) relationship. The pair exists once the user
 * and the character have exchanged an event; before that there is nothing to trust.
 */
export async function updatePair(
  ctx: EngineContext,
  tenantId: string,
  userId: string,
  characterId: string,
  patch: PairPatch,
) {
  if (!(await setPairTrust(ctx.db, tenantId, userId, characterId, patch.trust)))
    throw notFound(`conversation of user "${userId}" with character "${characterId}"`);
  const user = await getUser(ctx, tenantId, userId);
  const pair = user.characters.find((c) => c.characterId === characterId)!;
  ctx.events.emit('user.updated', { tenantId, userId });
  return { userId, ...pair };
}
