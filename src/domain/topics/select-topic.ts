import { FNV_BASIS, fnv1a, type Random } from '../shared/random.js';

const DAY = 86_400_000;

/** Where a topic comes from. */
export type TopicKind = 'open_loop' | 'fact' | 'memory' | 'conversation';

/** Something the opener could be about. */
export interface TopicCandidate {
  /** Stable across decisions (e.g. `fact:<factId>`): what novelty remembers. */
  id: string;
  kind: TopicKind;
  text: string;
  /** A short phrase an opener can name it by ("your interview", "Luna's surgery"), when known. */
  mention?: string;
  /** How much it matters to the user, in [0, 1]. */
  salience: number;
  /** When it was learned or happened: recency counts from here. */
  atMs: number;
  /** For an open loop: when the thing the user spoke of happens. */
  dueAtMs?: number;
  /** Never brought up in a public channel. */
  sensitive: boolean;
  /** One character's only, or null: every character's. */
  characterId: string | null;
}

export interface TopicContext {
  nowMs: number;
  characterId: string;
  /** Whether others can read the message (a group, a public channel). */
  channel: 'private' | 'public';
  /** Topic ids of the last proactive messages to this user, the most recent first. */
  recentTopicIds: readonly string[];
  /** Breaks ties between equal scores, repeatably for one seed. */
  random: Random;
}

/** Why a topic scored what it did; `total` is the weighted sum, `dueNow` ranks above any total. */
export interface ScoreParts {
  salience: number;
  recency: number;
  timeRelevance: number;
  novelty: number;
  dueNow: boolean;
  total: number;
}

export interface ScoredTopic {
  candidate: TopicCandidate;
  score: ScoreParts;
}

type ExclusionReason = 'sensitive_in_public' | 'other_character' | 'used_last';

interface TopicSelection {
  /** The best topic, or null when none may be used. */
  chosen: ScoredTopic | null;
  /** Every usable topic, best first. */
  ranked: ScoredTopic[];
  excluded: { id: string; reason: ExclusionReason }[];
}

/** Weights of the score's parts; they sum to 1, so a total is in [0, 1]. */
export const TOPIC_WEIGHTS = { salience: 0.4, recency: 0.2, timeRelevance: 0.2, novelty: 0.2 } as const;
/** Recency halves every two weeks. */
const RECENCY_HALF_LIFE_MS = 14 * DAY;
/** An open loop is worth following up from when it is due until three days after. */
const FOLLOW_UP_WINDOW_MS = 3 * DAY;
/** Before it is due, an open loop grows more relevant over the week before. */
const LEAD_MS = 7 * DAY;

/**
 * Ranks what the opener could be about and picks the best. Excluded first: a sensitive topic in
 * a public channel, another character's topic, the topic of the last proactive message. Then
 * each is scored by salience, recency, time relevance (an open loop close to its time, most at
 * it) and novelty (a topic of the recent proactive messages scores less the more recent its use).
 * An open loop that is due now (its time passed within the follow-up window) ranks above every
 * other topic. Equal scores are ordered by the seeded random draw, the same whatever the order of
 * the candidates.
 */
export function selectTopic(candidates: readonly TopicCandidate[], context: TopicContext): TopicSelection {
  const excluded: TopicSelection['excluded'] = [];
  const last = context.recentTopicIds[0];
  const salt = Math.floor(context.random() * 0x100000000);
  const ranked: (ScoredTopic & { tie: number })[] = [];
  for (const candidate of candidates) {
    const reason = exclusion(candidate, context, last);
    if (reason) excluded.push({ id: candidate.id, reason });
    else ranked.push({ candidate, score: scoreTopic(candidate, context), tie: tieBreak(candidate.id, salt) });
  }
  ranked.sort(
    (a, b) =>
      Number(b.score.dueNow) - Number(a.score.dueNow) || b.score.total - a.score.total || a.tie - b.tie,
  );
  const out = ranked.map(({ candidate, score }) => ({ candidate, score }));
  return { chosen: out[0] ?? null, ranked: out, excluded };
}

function exclusion(
  c: TopicCandidate,
  context: TopicContext,
  last: string | undefined,
): ExclusionReason | null {
  if (c.sensitive && context.channel === 'public') return 'sensitive_in_public';
  if (c.characterId !== null && c.characterId !== context.characterId) return 'other_character';
  if (last !== undefined && c.id === last) return 'used_last';
  return null;
}

/** The score of one usable topic, with its parts. */
export function scoreTopic(
  c: TopicCandidate,
  context: Pick<TopicContext, 'nowMs' | 'recentTopicIds'>,
): ScoreParts {
  const salience = clamp01(c.salience);
  const age = Math.max(0, context.nowMs - c.atMs);
  const recency = 0.5 ** (age / RECENCY_HALF_LIFE_MS);
  const timeRelevance = c.dueAtMs === undefined ? 0 : relevanceOfTime(c.dueAtMs, context.nowMs);
  const dueNow =
    c.kind === 'open_loop' &&
    c.dueAtMs !== undefined &&
    context.nowMs >= c.dueAtMs &&
    context.nowMs - c.dueAtMs <= FOLLOW_UP_WINDOW_MS;
  const used = context.recentTopicIds.indexOf(c.id);
  // used by the n-th most recent message (the last one is excluded): less novel the more recent
  const novelty = used < 0 ? 1 : used / context.recentTopicIds.length;
  const total =
    TOPIC_WEIGHTS.salience * salience +
    TOPIC_WEIGHTS.recency * recency +
    TOPIC_WEIGHTS.timeRelevance * timeRelevance +
    TOPIC_WEIGHTS.novelty * novelty;
  return { salience, recency, timeRelevance, novelty, dueNow, total };
}

/** 1 at the time, rising over the week before, falling to 0 over the follow-up window after. */
function relevanceOfTime(dueAtMs: number, nowMs: number): number {
  const delta = nowMs - dueAtMs;
  if (delta >= 0) return Math.max(0, 1 - delta / FOLLOW_UP_WINDOW_MS);
  return Math.max(0, 1 + delta / LEAD_MS);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** FNV-1a of the id mixed with the salt: a tie-break that depends on the seed, not on order. */
function tieBreak(id: string, salt: number): number {
  return fnv1a(id, FNV_BASIS ^ salt);
}
