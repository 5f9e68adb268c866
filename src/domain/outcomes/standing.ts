import type { ZoneOffsets } from '../shared/local-time.js';
import type { Meaning } from './reply-meaning.js';

const DAY = 86_400_000;

/** How long an annoyed reply or a negative reaction keeps lengthening the pair's gap. */
export const ANNOYANCE_MEMORY_DAYS = 30;
/** How long a `wrong_time` reply keeps its local hour lowered. */
export const WRONG_TIME_MEMORY_DAYS = 90;
/** The outcomes a decision reads: the longest memory above. */
export const STANDING_HISTORY_MS = WRONG_TIME_MEMORY_DAYS * DAY;

/** A proactive message's outcome, as the decision reads it (times as epoch milliseconds). */
export interface PairOutcome {
  atMs: number;
  windowEndsAtMs: number;
  repliedAtMs: number | null;
  meaning: Meaning | null;
}

/** Feedback on one of the pair's messages: a score in [-1, 1], or none (a reaction whose emoji says nothing). */
export interface PairFeedback {
  atMs: number;
  score: number | null;
}

/**
 * What the user's answers to a character's proactive messages say now, read from the outcomes
 * and feedback of the pair (never a stored counter: a reply attributed late, a restart, an event
 * sent twice all give the same standing).
 */
export interface Standing {
  /**
   * Since the user last wrote to the character or last gave positive feedback (`sinceMs`): the
   * messages whose reply window passed without a reply, and those still in their window.
   */
  ignored: number;
  pending: number;
  sinceMs: number | null;
  /** What reset the count last: the user's message, or positive feedback (an engaged reply is a message). */
  resetBy: 'message' | 'feedback' | null;
  /** Annoyed replies and negative feedback in the last ANNOYANCE_MEMORY_DAYS, and the last one. */
  annoyances: number;
  lastAnnoyanceAtMs: number | null;
  /**
   * The user's local hours of the week at which a message (from any character) got a
   * `wrong_time` reply in the last WRONG_TIME_MEMORY_DAYS, once per reply (an hour refused twice
   * is there twice).
   */
  wrongHours: number[];
}

export const NO_STANDING: Standing = Object.freeze({
  ignored: 0,
  pending: 0,
  sinceMs: null,
  resetBy: null,
  annoyances: 0,
  lastAnnoyanceAtMs: null,
  wrongHours: Object.freeze([]) as unknown as number[],
});

/**
 * The pair's standing at `nowMs`, from its outcomes and feedback (any order) and the instant the
 * user last wrote to the character (`lastInboundAtMs`). A message after the reset instant cannot
 * have been answered by a message (the user has not written since), so it counts as ignored once
 * its window has passed, or pending until then.
 */
export function standingOf(
  outcomes: readonly PairOutcome[],
  feedback: readonly PairFeedback[],
  lastInboundAtMs: number | null,
  zone: ZoneOffsets,
  nowMs: number,
  /** The user's outcomes with every character: a wrong time is the user's, whoever asked. */
  userOutcomes: readonly PairOutcome[] = outcomes,
): Standing {
  let sinceMs = lastInboundAtMs;
  let resetBy: Standing['resetBy'] = lastInboundAtMs === null ? null : 'message';
  const annoyanceFrom = nowMs - ANNOYANCE_MEMORY_DAYS * DAY;
  let annoyances = 0;
  let lastAnnoyanceAtMs: number | null = null;
  const annoyed = (atMs: number) => {
    if (atMs < annoyanceFrom || atMs > nowMs) return;
    annoyances++;
    if (lastAnnoyanceAtMs === null || atMs > lastAnnoyanceAtMs) lastAnnoyanceAtMs = atMs;
  };
  for (const f of feedback) {
    if (f.score === null || f.atMs > nowMs) continue;
    if (f.score > 0 && (sinceMs === null || f.atMs > sinceMs)) {
      sinceMs = f.atMs;
      resetBy = 'feedback';
    } else if (f.score < 0) annoyed(f.atMs);
  }
  let ignored = 0;
  let pending = 0;
  const wrongFrom = nowMs - WRONG_TIME_MEMORY_DAYS * DAY;
  const wrongHours: number[] = [];
  for (const o of outcomes) {
    if (o.atMs > nowMs) continue;
    const replied = o.repliedAtMs !== null && o.repliedAtMs <= nowMs;
    if (replied && o.meaning === 'annoyed') annoyed(o.repliedAtMs!);
    if (replied || (sinceMs !== null && o.atMs <= sinceMs)) continue;
    if (o.windowEndsAtMs <= nowMs) ignored++;
    else pending++;
  }
  for (const o of userOutcomes)
    if (o.meaning === 'wrong_time' && o.atMs >= wrongFrom && o.repliedAtMs !== null && o.repliedAtMs <= nowMs)
      wrongHours.push(zone.hourOfWeek(o.atMs));
  return { ignored, pending, sinceMs, resetBy, annoyances, lastAnnoyanceAtMs, wrongHours };
}

/**
 * The least time between two proactive messages of the character to the user once the user was
 * annoyed: the policy's gap (at least an hour) doubled for each annoyance remembered, at most a
 * week. Null when nothing lengthens it.
 */
export function lengthenedGapMinutes(minGapMinutes: number, annoyances: number): number | null {
  if (annoyances <= 0) return null;
  return Math.min(Math.max(minGapMinutes, 60) * 2 ** Math.min(annoyances, 8), 7 * 24 * 60);
}
