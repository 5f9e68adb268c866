/**
 * What became of a proactive message: `replied` once the user's reply is attributed to it,
 * `ignored` once its attribution window has passed without one, `pending` until then. Read at the
 * time asked, not stored: a late reply (an event sent late, within the window) still turns an
 * ignored message into a replied one.
 */
export type OutcomeStatus = 'pending' | 'replied' | 'ignored';

export const OUTCOME_STATUSES = ['pending', 'replied', 'ignored'] as const satisfies readonly OutcomeStatus[];

export function outcomeStatus(
  outcome: { repliedAt: Date | null; windowEndsAt: Date },
  now: Date,
): OutcomeStatus {
  if (outcome.repliedAt !== null) return 'replied';
  return now.getTime() >= outcome.windowEndsAt.getTime() ? 'ignored' : 'pending';
}

/** Seconds from a message sent to its reply; null without one. */
export function replyLatencySeconds(sentAt: Date, repliedAt: Date | null): number | null {
  return repliedAt === null ? null : (repliedAt.getTime() - sentAt.getTime()) / 1000;
}
