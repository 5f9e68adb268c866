import { ApiKeyCreate } from '../contract/api-key.schema.js';
import { ChannelParam } from '../contract/channel.schema.js';
import { CharacterInput } from '../contract/character.schema.js';
import { FactInput, FactQuery, MemoryInput, MemoryQuery } from '../contract/context.schema.js';
import { ContextProviderInput } from '../contract/context-provider.schema.js';
import { DecisionQuery } from '../contract/decision.schema.js';
import { EventBatch, type EventInput } from '../contract/event.schema.js';
import { HookBody } from '../contract/hook.schema.js';
import { parseInput } from '../contract/issues.js';
import { LlmProviderInput } from '../contract/llm-provider.schema.js';
import { OpenLoopClose, OpenLoopInput, OpenLoopQuery } from '../contract/open-loop.schema.js';
import { PolicyInput } from '../contract/policy.schema.js';
import {
  ApproveInput,
  DeliveryReport,
  DismissInput,
  SuggestionQuery,
} from '../contract/suggestion.schema.js';
import { TriggerCreate, TriggerPatch } from '../contract/trigger.schema.js';
import { UserPatch } from '../contract/user.schema.js';
import { createTenantApiKey, listTenantApiKeys, revokeTenantApiKey } from '../engine/accounts/api-keys.js';
import { listAudit, verifyAudit } from '../engine/accounts/audit-log.js';
import { getCharacter, listCharacterPage, saveCharacter } from '../engine/accounts/characters.js';
import { getTenant } from '../engine/accounts/tenants.js';
import { getUser, listUserPage, updateUser } from '../engine/accounts/users.js';
import { findNextGoodTime, getActivity } from '../engine/activity/activity.js';
import { getLlmProvider, removeLlmProvider, saveLlmProvider } from '../engine/compose/llm-providers.js';
import {
  getContextProviderSettings,
  removeContextProviderSettings,
  saveContextProviderSettings,
} from '../engine/context/context-provider-settings.js';
import { loadUserContext } from '../engine/context/context-providers.js';
import { addOpenLoop, closeOpenLoop, listOpenLoopPage } from '../engine/context/open-loops.js';
import {
  addFact,
  addMemory,
  listFactPage,
  listMemoryPage,
  removeFact,
  removeMemory,
} from '../engine/context/user-context.js';
import { listDecisionPage } from '../engine/decide/decisions.js';
import {
  getChannelSettings,
  listCharacterChannels,
  removeChannelSettings,
  saveChannelSettings,
} from '../engine/delivery/channel-settings.js';
import { reportDeliveryOutcome } from '../engine/delivery/delivery-report.js';
import type { EngineContext } from '../engine/kernel/resources.js';
import type { StreamListener } from '../engine/kernel/stream.js';
import { getPolicy, savePolicy } from '../engine/policy/policy.js';
import { ingestEvents } from '../engine/signals/ingest.js';
import { approveSuggestion, dismissSuggestion } from '../engine/suggestions/approval.js';
import { getSuggestion, listSuggestionPage } from '../engine/suggestions/suggestions.js';
import { fireTrigger, type HookCall, receiveHook } from '../engine/triggers/hooks.js';
import {
  createTrigger,
  getTrigger,
  listTriggerPage,
  removeTrigger,
  rotateTriggerSecret,
  setTriggerEnabled,
  updateTrigger,
} from '../engine/triggers/triggers.js';
import type { ContextQuery } from '../ports/context-provider.js';
import type { EngineStream } from './stream-relay.js';

/**
 * The use cases of one tenant, as `engine.forTenant(tenantId)` gives them; everything they read
 * or write belongs to it. The tenant must exist (`not_found` otherwise); that is checked once per
 * handle.
 */
export function tenantEngine(ctx: EngineContext, stream: EngineStream, tenantId: string) {
  let exists: Promise<unknown> | undefined;
  const guard =
    <A extends unknown[], R>(use: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      exists ??= getTenant(ctx, tenantId).catch((error) => {
        exists = undefined;
        throw error;
      });
      await exists;
      return use(...args);
    };
  return {
    tenantId,
    /** This tenant's live events: `stream.subscribe(listener)` returns the unsubscribe. */
    stream: { subscribe: (listener: StreamListener) => stream.subscribe(tenantId, listener) },
    get: () => getTenant(ctx, tenantId),
    /** Ingests one event or an array of up to 1,000; validated whole before anything is written. */
    ingest: guard((input: EventInput | EventInput[]) => {
      const batch = parseInput(EventBatch, { events: Array.isArray(input) ? input : [input] });
      return ingestEvents(ctx, tenantId, batch.events);
    }),
    getUser: guard((userId: string) => getUser(ctx, tenantId, userId)),
    /** When the user is usually around, in their local time, and whether `at` (default now) is a good time. */
    getActivity: guard((userId: string, options: { at?: Date } = {}) =>
      getActivity(ctx, tenantId, userId, options.at ?? ctx.clock.now()),
    ),
    /**
     * The best instant to reach the user in [after, after + withinMs] (default: now, one day),
     * outside the policy's quiet hours (the character's, when given).
     */
    nextGoodTime: guard(
      (userId: string, options: { after?: Date; withinMs?: number; characterId?: string } = {}) =>
        findNextGoodTime(
          ctx,
          tenantId,
          userId,
          options.after ?? ctx.clock.now(),
          options.withinMs ?? 86_400_000,
          options.characterId,
        ),
    ),
    updateUser: guard((userId: string, patch: unknown) =>
      updateUser(ctx, tenantId, userId, parseInput(UserPatch, patch)),
    ),
    listUsers: guard((page: { after?: string; limit?: number } = {}) =>
      listUserPage(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    ),
    getCharacter: guard((characterId: string) => getCharacter(ctx, tenantId, characterId)),
    putCharacter: guard((characterId: string, input: unknown) =>
      saveCharacter(ctx, tenantId, characterId, parseInput(CharacterInput, input)),
    ),
    listCharacters: guard((page: { after?: string; limit?: number } = {}) =>
      listCharacterPage(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    ),
    createApiKey: guard((input: unknown) =>
      createTenantApiKey(ctx, tenantId, parseInput(ApiKeyCreate, input)),
    ),
    listApiKeys: guard(() => listTenantApiKeys(ctx, tenantId)),
    revokeApiKey: guard((keyId: string) => revokeTenantApiKey(ctx, tenantId, keyId)),
    getPolicy: guard(() => getPolicy(ctx, tenantId)),
    putPolicy: guard((input: unknown) =>
      savePolicy(ctx, tenantId, parseInput(PolicyInput, input), 'library'),
    ),
    listAudit: guard((page: { after?: number; limit?: number } = {}) =>
      listAudit(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    ),
    verifyAudit: guard(() => verifyAudit(ctx, tenantId)),
    /** Remembers a fact about a user (for every character, or `characterId`'s only). */
    addFact: guard((userId: string, input: unknown) =>
      addFact(ctx, tenantId, userId, parseInput(FactInput, input)),
    ),
    listFacts: guard((userId: string, query: unknown = {}) =>
      listFactPage(ctx, tenantId, userId, parseInput(FactQuery, query)),
    ),
    deleteFact: guard((userId: string, factId: string) => removeFact(ctx, tenantId, userId, factId)),
    /** Remembers something that happened to a user, with when and tags. */
    addMemory: guard((userId: string, input: unknown) =>
      addMemory(ctx, tenantId, userId, parseInput(MemoryInput, input)),
    ),
    listMemories: guard((userId: string, query: unknown = {}) =>
      listMemoryPage(ctx, tenantId, userId, parseInput(MemoryQuery, query)),
    ),
    deleteMemory: guard((userId: string, memoryId: string) => removeMemory(ctx, tenantId, userId, memoryId)),
    /**
     * Sets who writes openers: the tenant's language model (characterId null) or one
     * character's; the API key is sealed (needs OVERTURE_SECRET_KEY) and never returned.
     */
    putLlmProvider: guard((characterId: string | null, input: unknown) =>
      saveLlmProvider(ctx, tenantId, characterId, parseInput(LlmProviderInput, input), 'library'),
    ),
    getLlmProvider: guard((characterId: string | null) => getLlmProvider(ctx, tenantId, characterId)),
    deleteLlmProvider: guard((characterId: string | null) =>
      removeLlmProvider(ctx, tenantId, characterId, 'library'),
    ),
    /**
     * Points a character at the bot's own memory: a signed POST to `url` for each user's
     * context, the built-in store when it fails (docs/CONTEXT-PROVIDER.md). Needs `secretKey`.
     */
    putContextProvider: guard((characterId: string, input: unknown) =>
      saveContextProviderSettings(
        ctx,
        tenantId,
        characterId,
        parseInput(ContextProviderInput, input),
        'library',
      ),
    ),
    getContextProvider: guard((characterId: string) =>
      getContextProviderSettings(ctx, tenantId, characterId),
    ),
    /** The character's users' context comes from the built-in store again. */
    deleteContextProvider: guard((characterId: string) =>
      removeContextProviderSettings(ctx, tenantId, characterId, 'library'),
    ),
    /**
     * What the engine knows of a user as a character sees it (topic candidates), from the
     * character's callback or the built-in store, and which one answered.
     */
    loadUserContext: guard(
      (
        query: Pick<ContextQuery, 'userId' | 'characterId'> & Partial<Pick<ContextQuery, 'purpose'>>,
        options: { signal?: AbortSignal } = {},
      ) =>
        loadUserContext(
          ctx,
          {
            tenantId,
            userId: query.userId,
            characterId: query.characterId,
            purpose: query.purpose ?? 'compose',
            now: ctx.clock.now(),
          },
          { signal: options.signal ?? new AbortController().signal },
        ),
    ),
    /** Suggestions newest first: a user's (`userId`), or the tenant's (`status: 'pending'`: the approval queue). */
    listSuggestions: guard((query: unknown = {}) =>
      listSuggestionPage(ctx, tenantId, parseInput(SuggestionQuery, query)),
    ),
    /** One suggestion with the decision that made it, its deliveries and their attempts. */
    getSuggestion: guard((suggestionId: string) => getSuggestion(ctx, tenantId, suggestionId)),
    /** Approves a pending suggestion (optionally `{text}` of your own): its delivery is queued at once. */
    approveSuggestion: guard(async (suggestionId: string, input: unknown = {}) => {
      await approveSuggestion(ctx, tenantId, suggestionId, parseInput(ApproveInput, input), 'library');
      return getSuggestion(ctx, tenantId, suggestionId);
    }),
    /** Dismisses a pending suggestion with `{reason}`: nothing is sent. */
    dismissSuggestion: guard(async (suggestionId: string, input: unknown) => {
      await dismissSuggestion(ctx, tenantId, suggestionId, parseInput(DismissInput, input), 'library');
      return getSuggestion(ctx, tenantId, suggestionId);
    }),
    /** What became of a message handed to the bot on the stream, or of one whose outcome is unknown. */
    reportDelivery: guard((deliveryId: string, report: unknown) =>
      reportDeliveryOutcome(ctx, tenantId, deliveryId, parseInput(DeliveryReport, report), 'library'),
    ),
    /** Fires a trigger by hand for `{userId, characterId}`: how a manual trigger fires. */
    fireTrigger: guard((triggerId: string, input: unknown) =>
      fireTrigger(ctx, tenantId, triggerId, parseInput(HookBody, input)),
    ),
    /**
     * Configures how a character sends on a channel (telegram `{token, apiRoot?}`, discord
     * `{token, apiBase?}`, slack `{token, apiUrl?}`, webhook `{url, secret}`, stream `{}`);
     * the token or secret is sealed (needs `secretKey`) and never returned.
     */
    putChannel: guard((characterId: string, channel: string, input: unknown = {}) =>
      saveChannelSettings(ctx, tenantId, characterId, parseInput(ChannelParam, channel), input, 'library'),
    ),
    getChannel: guard((characterId: string, channel: string) =>
      getChannelSettings(ctx, tenantId, characterId, parseInput(ChannelParam, channel)),
    ),
    listChannels: guard((characterId: string) => listCharacterChannels(ctx, tenantId, characterId)),
    deleteChannel: guard((characterId: string, channel: string) =>
      removeChannelSettings(ctx, tenantId, characterId, parseInput(ChannelParam, channel), 'library'),
    ),
    /**
     * Adds something the user said will happen (`sentence`, `dueAt`, `characterId`), which
     * the character's follow_up triggers ask about afterwards. Loops are also read from
     * the text of ingested `message_in` events.
     */
    addOpenLoop: guard((userId: string, input: unknown) =>
      addOpenLoop(ctx, tenantId, userId, parseInput(OpenLoopInput, input)),
    ),
    /** A user's open loops, latest due first (`status`, `characterId`, `limit`, `before`). */
    listOpenLoops: guard((userId: string, query: unknown = {}) =>
      listOpenLoopPage(ctx, tenantId, userId, parseInput(OpenLoopQuery, query)),
    ),
    /** Closes an open loop (with an optional `reason`); its follow-ups not yet made are dropped. */
    closeOpenLoop: guard((userId: string, loopId: string, input: unknown = {}) =>
      closeOpenLoop(ctx, tenantId, userId, loopId, parseInput(OpenLoopClose, input)),
    ),
    /** Why the engine did (or did not) message a user: their stored decisions, newest first, with every check. */
    listDecisions: guard((query: unknown) =>
      listDecisionPage(ctx, tenantId, parseInput(DecisionQuery, query)),
    ),
    createTrigger: guard((input: unknown) =>
      createTrigger(ctx, tenantId, parseInput(TriggerCreate, input), 'library'),
    ),
    listTriggers: guard((page: { after?: string; limit?: number } = {}) =>
      listTriggerPage(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    ),
    getTrigger: guard((triggerId: string) => getTrigger(ctx, tenantId, triggerId)),
    updateTrigger: guard((triggerId: string, patch: unknown) =>
      updateTrigger(ctx, tenantId, triggerId, parseInput(TriggerPatch, patch), 'library'),
    ),
    enableTrigger: guard((triggerId: string) => setTriggerEnabled(ctx, tenantId, triggerId, true, 'library')),
    disableTrigger: guard((triggerId: string) =>
      setTriggerEnabled(ctx, tenantId, triggerId, false, 'library'),
    ),
    deleteTrigger: guard((triggerId: string) => removeTrigger(ctx, tenantId, triggerId, 'library')),
    /** A new signing secret for a webhook trigger, returned only here. */
    rotateTriggerSecret: guard((triggerId: string) =>
      rotateTriggerSecret(ctx, tenantId, triggerId, 'library'),
    ),
    /** A signed call to a webhook trigger, as a bot's own HTTP server received it (docs/WEBHOOKS.md). */
    receiveHook: guard((triggerId: string, call: HookCall) => receiveHook(ctx, tenantId, triggerId, call)),
  };
}
