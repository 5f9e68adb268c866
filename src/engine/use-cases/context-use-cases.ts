import type { z } from 'zod';
import { FactInput, FactQuery, MemoryInput, MemoryQuery } from '../../contract/context.schema.js';
import { ContextProviderInput } from '../../contract/context-provider.schema.js';
import { parseInput } from '../../contract/issues.js';
import { OpenLoopClose, OpenLoopInput, OpenLoopQuery } from '../../contract/open-loop.schema.js';
import type { ContextQuery } from '../../ports/context-provider.js';
import {
  getContextProviderSettings,
  removeContextProviderSettings,
  saveContextProviderSettings,
} from '../context/context-provider-settings.js';
import { loadUserContext } from '../context/context-providers.js';
import { addOpenLoop, closeOpenLoop, listOpenLoopPage } from '../context/open-loops.js';
import {
  addFact,
  addMemory,
  listFactPage,
  listMemoryPage,
  removeFact,
  removeMemory,
} from '../context/user-context.js';
import type { TenantScope } from './tenant-scope.js';

/** What the engine knows of a user: facts, memories, open loops, and where a character reads them. */
export function contextUseCases({ ctx, tenantId, actor }: TenantScope) {
  return {
    /** Remembers a fact about a user (for every character, or `characterId`'s only). */
    addFact: (userId: string, input: z.input<typeof FactInput>) =>
      addFact(ctx, tenantId, userId, parseInput(FactInput, input)),
    /** A user's facts, newest first. */
    listFacts: (userId: string, query: z.input<typeof FactQuery> = {}) =>
      listFactPage(ctx, tenantId, userId, parseInput(FactQuery, query)),
    deleteFact: (userId: string, factId: string) => removeFact(ctx, tenantId, userId, factId),
    /** Remembers something that happened to a user, with when and tags. */
    addMemory: (userId: string, input: z.input<typeof MemoryInput>) =>
      addMemory(ctx, tenantId, userId, parseInput(MemoryInput, input)),
    /** A user's memories, newest first (by when they were added). */
    listMemories: (userId: string, query: z.input<typeof MemoryQuery> = {}) =>
      listMemoryPage(ctx, tenantId, userId, parseInput(MemoryQuery, query)),
    deleteMemory: (userId: string, memoryId: string) => removeMemory(ctx, tenantId, userId, memoryId),
    /**
     * Adds something the user said will happen (`sentence`, `dueAt`, `characterId`), which
     * the character's follow_up triggers ask about afterwards. Loops are also read from
     * the text of ingested `message_in` events.
     */
    addOpenLoop: (userId: string, input: z.input<typeof OpenLoopInput>) =>
      addOpenLoop(ctx, tenantId, userId, parseInput(OpenLoopInput, input)),
    /** A user's open loops, latest due first (`status`, `characterId`, `limit`, `before`). */
    listOpenLoops: (userId: string, query: z.input<typeof OpenLoopQuery> = {}) =>
      listOpenLoopPage(ctx, tenantId, userId, parseInput(OpenLoopQuery, query)),
    /** Closes an open loop (with an optional `reason`); its follow-ups not yet made are dropped. */
    closeOpenLoop: (userId: string, loopId: string, input: z.input<typeof OpenLoopClose> = {}) =>
      closeOpenLoop(ctx, tenantId, userId, loopId, parseInput(OpenLoopClose, input)),
    /**
     * Points a character at the bot's own memory: a signed POST to `url` for each user's
     * context, the built-in store when it fails (docs/CONTEXT-PROVIDER.md). Needs `secretKey`.
     */
    putContextProvider: (characterId: string, input: z.input<typeof ContextProviderInput>) =>
      saveContextProviderSettings(ctx, tenantId, characterId, parseInput(ContextProviderInput, input), actor),
    getContextProvider: (characterId: string) => getContextProviderSettings(ctx, tenantId, characterId),
    /** The character's users' context comes from the built-in store again. */
    deleteContextProvider: (characterId: string) =>
      removeContextProviderSettings(ctx, tenantId, characterId, actor),
    /**
     * What the engine knows of a user as a character sees it (topic candidates), from the
     * character's callback or the built-in store, and which one answered.
     */
    loadUserContext: (
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
  };
}
