import { conversationTopics } from '../domain/topics/conversation-topics.js';
import { keepMostRelevant } from '../domain/topics/most-relevant.js';
import type { TopicCandidate, TopicKind } from '../domain/topics/select-topic.js';
import type { ContextProvider, ContextQuery, UserContext } from '../ports/context-provider.js';
import { type ContextItemRow, listSalientFacts, listSalientMemories } from '../storage/context.repository.js';
import type { Db } from '../storage/database.js';
import { listRecentTopics } from '../storage/event.repository.js';

/** At most this many candidates leave a context provider, the most relevant ones. */
export const CONTEXT_CANDIDATE_LIMIT = 200;
/** Conversation topics are taken from the messages of this long before now. */
export const CONVERSATION_WINDOW_MS = 14 * 86_400_000;
/** At most this many recent messages are read for their topics. */
export const CONVERSATION_MESSAGE_LIMIT = 500;

/**
 * The built-in store as a context provider: the user's facts and memories that the character
 * knows (its own and the shared ones), open loops, and the topics of the user's messages with
 * the character over the last two weeks (`meta.topics` of `message_in` and `message_out`
 * events). Each source is read bounded (the most salient, or the latest messages), and the
 * `CONTEXT_CANDIDATE_LIMIT` most relevant candidates are kept.
 */
export function createBuiltinContextProvider(db: Db): ContextProvider {
  return {
    async load(query: ContextQuery, { signal }: { signal: AbortSignal }): Promise<UserContext> {
      signal.throwIfAborted();
      const { tenantId, userId, characterId, now } = query;
      const read = { userId, characterId, limit: CONTEXT_CANDIDATE_LIMIT };
      const [facts, memories, openLoops, messages] = await Promise.all([
        listSalientFacts(db, tenantId, read),
        listSalientMemories(db, tenantId, read),
        openLoopCandidates(db, query),
        listRecentTopics(db, tenantId, {
          userId,
          characterId,
          since: new Date(now.getTime() - CONVERSATION_WINDOW_MS),
          until: now,
          limit: CONVERSATION_MESSAGE_LIMIT,
        }),
      ]);
      const candidates = [
        ...openLoops,
        ...facts.map((row) => itemCandidate('fact', row)),
        ...memories.map((row) => itemCandidate('memory', row)),
        ...conversationTopics(
          messages.map((m) => ({ atMs: m.at.getTime(), topics: m.topics })),
          characterId,
        ),
      ];
      return {
        candidates: keepMostRelevant(candidates, CONTEXT_CANDIDATE_LIMIT, now.getTime()),
        source: 'builtin',
      };
    },
  };
}

/**
 * OPEN LOOPS GO HERE. The user's open loops of this character (table `open_loops`, migration
 * 0010, built separately) become candidates of kind `open_loop` with id `open_loop:<loop_id>`,
 * `dueAtMs` from `due_at`, `mention` from `mention`; only `status = 'open'` ones. Until that
 * table exists there are none.
 */
async function openLoopCandidates(_db: Db, _query: ContextQuery): Promise<TopicCandidate[]> {
  return [];
}

function itemCandidate(kind: Extract<TopicKind, 'fact' | 'memory'>, row: ContextItemRow): TopicCandidate {
  return {
    id: `${kind}:${row.id}`,
    kind,
    text: row.text,
    ...(row.mention ? { mention: row.mention } : {}),
    salience: row.salience,
    atMs: row.at.getTime(),
    sensitive: row.sensitive,
    characterId: row.character_id,
  };
}
