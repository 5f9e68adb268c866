import type { TopicCandidate } from '../domain/topics/select-topic.js';

/** At most this many candidates leave a context provider, the most relevant ones. */
export const CONTEXT_CANDIDATE_LIMIT = 200;

/** What the engine knows of one user, as one character sees it: the material for topics. */
export interface UserContext {
  /** Facts, memories, open loops and recent conversation topics, as topic candidates. */
  candidates: TopicCandidate[];
  /** Where it came from; `builtin` after a failed callback too, with the reason. */
  source: 'builtin' | 'callback';
  /** Why the bot's callback was not used, when it was configured and failed. */
  fallbackReason?: string;
}

export interface ContextQuery {
  tenantId: string;
  userId: string;
  characterId: string;
  /** Why the context is wanted. */
  purpose: 'compose' | 'judge';
  now: Date;
}

/** Where a user's context comes from: the built-in store, or the bot's own memory over HTTP. */
export interface ContextProvider {
  load(query: ContextQuery, options: { signal: AbortSignal }): Promise<UserContext>;
}
