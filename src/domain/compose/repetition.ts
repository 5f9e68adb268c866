/** Which of the user's recent openers a new one is held to, by who writes it. */
export interface RepetitionRule {
  /** Every recent opener, most recent first: a model's opener repeats none. */
  all: string[];
  /** Those another trigger wrote: the template's opener repeats none of these. */
  others: string[];
  /** Those this trigger wrote and no other, most recent first: the template may say one again. */
  reusable: string[];
}

/**
 * What the repetition guardrail holds an opener to. A model writes anew each time and is held to
 * every recent opener. The template has a few phrasings per reason and tone, and a trigger that
 * recurs (a daily stand-up, every call of a hook, every silence) would soon have used them all
 * and then be dismissed for want of an opener every time: a recurring check-in is meant to
 * recur, so the template may say again what the same trigger said, never what another one said.
 * With no trigger (deleted since), nothing is its own.
 */
export function repetitionRule(
  recent: readonly { text: string; triggerId: string }[],
  triggerId: string | null,
): RepetitionRule {
  const others = recent.filter((r) => r.triggerId !== triggerId).map((r) => r.text);
  const taken = new Set(others.map(openerKey));
  return {
    all: recent.map((r) => r.text),
    others,
    reusable: recent
      .filter((r) => r.triggerId === triggerId && !taken.has(openerKey(r.text)))
      .map((r) => r.text),
  };
}

/** Two openers with the same key are the same text: case and surrounding space aside. */
export function openerKey(text: string): string {
  return text.trim().toLowerCase();
}
