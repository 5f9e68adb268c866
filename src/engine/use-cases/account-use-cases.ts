import type { z } from 'zod';
import { ApiKeyCreate } from '../../contract/api-key.schema.js';
import { CharacterInput } from '../../contract/character.schema.js';
import { parseInput } from '../../contract/issues.js';
import { PolicyInput } from '../../contract/policy.schema.js';
import { RequestLimitsInput, TenantPatch } from '../../contract/tenant.schema.js';
import { PairPatch, UserPatch } from '../../contract/user.schema.js';
import { createTenantApiKey, listTenantApiKeys, revokeTenantApiKey } from '../accounts/api-keys.js';
import { listAudit, verifyAudit } from '../accounts/audit-log.js';
import { getCharacter, listCharacterPage, saveCharacter } from '../accounts/characters.js';
import { getRequestLimits, putRequestLimits } from '../accounts/request-limits.js';
import { getTenant, updateTenant } from '../accounts/tenants.js';
import { getUser, listUserPage, updatePair, updateUser } from '../accounts/users.js';
import { getPolicy, savePolicy } from '../policy/policy.js';
import type { TenantScope } from './tenant-scope.js';

/** A page of a list in id order: `after` is the previous page's `next`. */
export interface IdPage {
  after?: string;
  limit?: number;
}

/** The tenant itself, its users and characters, its API keys, its policy and its audit log. */
export function accountUseCases({ ctx, tenantId, actor }: TenantScope) {
  return {
    get: () => getTenant(ctx, tenantId),
    /** Renames the tenant or sets its default zone (for users whose zone is neither given nor inferred). */
    updateTenant: (patch: z.input<typeof TenantPatch>) =>
      updateTenant(ctx, tenantId, parseInput(TenantPatch, patch)),
    /** The tenant's own request limits over HTTP (null fields: the operator's defaults). */
    getRequestLimits: () => getRequestLimits(ctx, tenantId),
    /**
     * Replaces the tenant's request limits; over HTTP only the operator may (a tenant must not
     * raise its own). Recorded in the audit log.
     */
    putRequestLimits: (input: z.input<typeof RequestLimitsInput>) =>
      putRequestLimits(ctx, tenantId, parseInput(RequestLimitsInput, input), actor),
    getUser: (userId: string) => getUser(ctx, tenantId, userId),
    /** Updates a user's zone, locale, addresses or consent; creates the user if new. */
    updateUser: (userId: string, patch: z.input<typeof UserPatch>) =>
      updateUser(ctx, tenantId, userId, parseInput(UserPatch, patch), actor),
    listUsers: (page: IdPage = {}) =>
      listUserPage(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    /** Sets the bot's trust in a user's relationship with a character (0 to 1). */
    updatePair: (userId: string, characterId: string, patch: z.input<typeof PairPatch>) =>
      updatePair(ctx, tenantId, userId, characterId, parseInput(PairPatch, patch), actor),
    getCharacter: (characterId: string) => getCharacter(ctx, tenantId, characterId),
    /** Creates or replaces a character; absent fields take their defaults. */
    putCharacter: (characterId: string, input: z.input<typeof CharacterInput>) =>
      saveCharacter(ctx, tenantId, characterId, parseInput(CharacterInput, input)),
    listCharacters: (page: IdPage = {}) =>
      listCharacterPage(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    /** Creates an API key; its secret is in this answer only. */
    createApiKey: (input: z.input<typeof ApiKeyCreate>) =>
      createTenantApiKey(ctx, tenantId, parseInput(ApiKeyCreate, input), actor),
    listApiKeys: () => listTenantApiKeys(ctx, tenantId),
    revokeApiKey: (keyId: string) => revokeTenantApiKey(ctx, tenantId, keyId, actor),
    getPolicy: () => getPolicy(ctx, tenantId),
    /** Replaces the policy; absent fields take their defaults. Recorded in the audit log. */
    putPolicy: (input: z.input<typeof PolicyInput>) =>
      savePolicy(ctx, tenantId, parseInput(PolicyInput, input), actor),
    /** Changes to policy, triggers, keys and approvals, oldest first (`after`: a `seq`). */
    listAudit: (page: { after?: number; limit?: number } = {}) =>
      listAudit(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    /** Recomputes the audit log's hash chain: whole, or the first entry edited or deleted. */
    verifyAudit: () => verifyAudit(ctx, tenantId),
  };
}
