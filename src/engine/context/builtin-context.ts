import { conversationTopics } from '../../domain/topics/conversation-topics.js';
import { keepMostRelevant } from '../../domain/topics/most-relevant.js';
import type { TopicCandidate, TopicKind } from '../../domain/topics/select-topic.js';
import {
  CONTEXT_CANDIDATE_LIMIT,
  type ContextProvider,
  type ContextQuery,
  type UserContext,
} from '../../ports/context-provider.js';
import {
  type ContextItemRow,
  listSalientFacts,
  listSalientMemories,
} from '../../storage/context.repository.js';
import { listRecentTopics } from '../../storage/event.repository.js';
import { listOpenLoops, type OpenLoopRow } from '../../storage/open-loop.repository.js';
import type { Db } from '../../storage/schema.js';

/** Conversation topics are taken from the messages of this long before now. */
const CONVERSATION_WINDOW_MS = 14 * 86_400_000;
/** At most this many recent messages are read for their topics. */
const CONVERSATION_MESSAGE_LIMIT = 500;

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

/** What the user said will happen, told to this character, still open: salient by nature. */
const OPEN_LOOP_SALIENCE = 0.8;
/** Open loops read per user, the latest due first. */
const OPEN_LOOP_LIMIT = 50;

/**
 * The user's open loops with this character as candidates `loop:<loopId>`, the id their
 * follow-up occasions carry, so a follow-up finds the loop it is about.
 */
async function openLoopCandidates(db: Db, query: ContextQuery): Promise<TopicCandidate[]> {
  const rows = await listOpenLoops(db, query.tenantId, {
    userId: query.userId,
    characterId: query.characterId,
    status: 'open',
    limit: OPEN_LOOP_LIMIT,
  });
  return rows.map(openLoopCandidate);
}

/** An open loop as a topic: `loop:<loopId>`, the id its follow-up occasions carry. */
export function openLoopCandidate(row: OpenLoopRow): TopicCandidate {
  return {
    id: `loop:${row.loop_id}`,
    kind: 'open_loop',
    text: row.sentence,
    mention: row.mention,
    salience: OPEN_LOOP_SALIENCE,
    atMs: row.created_at.getTime(),
    dueAtMs: row.due_at.getTime(),
    sensitive: false,
    characterId: row.character_id,
  };
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
