import { findUser, listUsers, patchUser } from '../storage/user.repository.js';
import type { EngineContext } from './context.js';
import { notFound } from './errors.js';
import type { User, UserPatch } from './schemas/user.schema.js';
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
