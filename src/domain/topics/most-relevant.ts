import { scoreTopic, type TopicCandidate } from './select-topic.js';

/**
 * The `limit` candidates `selectTopic` would rank highest before novelty is known: an open loop
 * due now first, then by salience, recency and time relevance; equal ones newest first, then by
 * id, so the cut does not depend on the order the candidates came in. Bounds what a context
 * provider hands on, whatever the size of the store behind it. Ids repeated are kept once (the
 * first).
 */
export function keepMostRelevant(
  candidates: readonly TopicCandidate[],
  limit: number,
  nowMs: number,
): TopicCandidate[] {
  const unique = new Map<string, TopicCandidate>();
  for (const c of candidates) if (!unique.has(c.id)) unique.set(c.id, c);
  if (unique.size <= limit) return [...unique.values()];
  const scored = [...unique.values()].map((candidate) => ({
    candidate,
    score: scoreTopic(candidate, { nowMs, recentTopicIds: [] }),
  }));
  scored.sort(
    (a, b) =>
      Number(b.score.dueNow) - Number(a.score.dueNow) ||
      b.score.total - a.score.total ||
      b.candidate.atMs - a.candidate.atMs ||
      (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0),
  );
  return scored.slice(0, limit).map((s) => s.candidate);
}
