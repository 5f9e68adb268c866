/** What a user said of one proactive message, by a `feedback` or `reaction` event. */
export interface Feedback {
  /** From -1 (bad) to 1 (good); null when the event gave none and its emoji says nothing clear. */
  score: number | null;
  emoji: string | null;
  text: string | null;
}

/** Reactions whose meaning is plain: thumbs up and down, as the API documents, and a heart. */
const EMOJI_SCORES: ReadonlyMap<string, number> = new Map([
  ['👍', 1],
  ['👎', -1],
  ['❤️', 1],
  ['❤', 1],
]);

/**
 * The score of a feedback or reaction: the one given, else its emoji's when that is plain (skin
 * tones ignored), else null.
 */
export function feedbackScore(score: number | undefined, emoji: string | undefined): number | null {
  if (score !== undefined) return score;
  if (emoji === undefined) return null;
  return EMOJI_SCORES.get(emoji.replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '')) ?? null;
}
