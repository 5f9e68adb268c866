import type { EngagementEvidence } from './engagement.js';
import type { PairFeedback, PairOutcome } from './standing.js';

/** What a pair's engagement is read from, as the engine loads it (times as epoch milliseconds). */
export interface PairEvidence {
  outcomes: readonly PairOutcome[];
  feedback: readonly PairFeedback[];
  /** The user's messages to the character that started a conversation (no message either way in the hours before). */
  initiations: readonly number[];
  /** When the user told the character (or every character) to stop, if a message did. */
  refusedAtMs: number | null;
}

/**
 * The evidence `engagementOf` reads, in time order, up to `nowMs`: each reply to a proactive
 * message with its latency and meaning, each message ignored (at the end of its window), each
 * feedback with a score, each conversation the user started, and a refusal.
 */
export function engagementEvidence(pair: PairEvidence, nowMs: number): EngagementEvidence[] {
  const evidence: EngagementEvidence[] = [];
  for (const o of pair.outcomes) {
    if (o.repliedAtMs !== null) {
      if (o.repliedAtMs <= nowMs)
        evidence.push({
          atMs: o.repliedAtMs,
          kind: 'reply',
          latencySeconds: (o.repliedAtMs - o.atMs) / 1000,
          meaning: o.meaning,
        });
    } else if (o.windowEndsAtMs <= nowMs) evidence.push({ atMs: o.windowEndsAtMs, kind: 'ignored' });
  }
  for (const f of pair.feedback)
    if (f.score !== null && f.atMs <= nowMs)
      evidence.push({ atMs: f.atMs, kind: 'feedback', score: f.score });
  for (const atMs of pair.initiations) if (atMs <= nowMs) evidence.push({ atMs, kind: 'message' });
  if (pair.refusedAtMs !== null && pair.refusedAtMs <= nowMs)
    evidence.push({ atMs: pair.refusedAtMs, kind: 'refusal' });
  return evidence.sort((a, b) => a.atMs - b.atMs);
}
