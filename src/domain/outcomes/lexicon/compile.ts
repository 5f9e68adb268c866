import type { Lexicon, ReplyLanguage } from './lexicon.js';

/** A compiled class of cues over all languages: one regular expression, one group per language. */
export interface CueSet {
  regex: RegExp;
  langs: readonly ReplyLanguage[];
}

/** A cue starts and ends at a word edge; a hyphen counts as part of the word, so "non-stop" is one word. */
const START = String.raw`(?<![\p{L}\p{N}-])`;
const END = String.raw`(?![\p{L}\p{N}])`;

/**
 * Joins one class of cues from every lexicon into a single global regular expression, so a reply
 * is scanned once per class rather than once per language and class. `negators`, when given,
 * becomes a lookbehind in each language's group: a cue right after "don't" or "nicht" does not
 * match there.
 */
export function compileCues(
  lexicons: readonly Lexicon[],
  pick: (lexicon: Lexicon) => readonly string[],
  negators?: (lexicon: Lexicon) => string,
): CueSet {
  const langs: ReplyLanguage[] = [];
  const groups: string[] = [];
  for (const lexicon of lexicons) {
    const cues = pick(lexicon);
    if (cues.length === 0) continue;
    const guard = negators ? `(?<!${START}(?:${negators(lexicon)})\\s+(?:[\\p{L}']+\\s+)?)` : '';
    langs.push(lexicon.lang);
    groups.push(`(?<${lexicon.lang}>${guard}(?:${cues.join('|')}))`);
  }
  return { regex: new RegExp(`${START}(?:${groups.join('|')})${END}`, 'gu'), langs };
}

/** The language whose group matched. */
export function languageOf(match: RegExpExecArray, set: CueSet): ReplyLanguage {
  for (const lang of set.langs) if (match.groups?.[lang] !== undefined) return lang;
  return set.langs[0]!;
}
