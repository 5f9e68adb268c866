import { normalizeReply } from '../outcomes/normalize-reply.js';

/**
 * Whether `phrase` occurs in `text` as whole words, both normalised as replies are (case, accents,
 * apostrophes): "no" is not in "now", "know" or "north".
 */
export function hasWords(text: string, phrase: string): boolean {
  return containsWords(normalizeReply(text), normalizeReply(phrase));
}

/** `hasWords` on texts already normalised. */
export function containsWords(t: string, phrase: string): boolean {
  const p = phrase.trim();
  if (p === '') return false;
  for (let i = t.indexOf(p); i !== -1; i = t.indexOf(p, i + 1)) {
    const before = i === 0 ? '' : t[i - 1]!;
    const after = t[i + p.length] ?? '';
    if (!WORD.test(before) && !WORD.test(after)) return true;
  }
  return false;
}

const WORD = /[\p{L}\p{N}]/u;
