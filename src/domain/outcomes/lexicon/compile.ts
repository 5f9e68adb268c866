import type { Lexicon, ReplyLanguage } from './lexicon.js';

/** A compiled class of cues over all languages: one regular expression, one group per language. */
export interface CueSet {
  regex: RegExp;
  langs: readonly ReplyLanguage[];
  /** Per language, a sticky test of "a negator ends right here", read at a match's start. */
  negated: Partial<Record<ReplyLanguage, RegExp>>;
}

/** A cue starts and ends at a word edge; a hyphen counts as part of the word, so "non-stop" is one word. */
const START = String.raw`(?<![\p{L}\p{N}-])`;
const END = String.raw`(?![\p{L}\p{N}])`;

/**
 * Joins one class of cues from every lexicon into a single global regular expression, so a reply
 * is scanned once per class rather than once per language and class. `negators`, when given,
 * undo a cue right after them ("don't stop", "nicht beschäftigt", one word may sit between). They
 * are checked only where a cue matched, not inside the scan: as lookbehinds in the scan they were
 * tried at every position and made it about twice as slow.
 */
export function compileCues(
  lexicons: readonly Lexicon[],
  pick: (lexicon: Lexicon) => readonly string[],
  negators?: (lexicon: Lexicon) => string,
): CueSet {
  const langs: ReplyLanguage[] = [];
  const groups: string[] = [];
  const negated: Partial<Record<ReplyLanguage, RegExp>> = {};
  for (const lexicon of lexicons) {
    const cues = pick(lexicon);
    if (cues.length === 0) continue;
    langs.push(lexicon.lang);
    groups.push(`(?<${lexicon.lang}>${cues.join('|')})`);
    if (negators)
      negated[lexicon.lang] = new RegExp(
        `(?<=${START}(?:${negators(lexicon)})\\s+(?:[\\p{L}']+\\s+)?)`,
        'uy',
      );
  }
  return { regex: new RegExp(`${START}(?:${groups.join('|')})${END}`, 'gu'), langs, negated };
}

/** The language whose group matched. */
export function languageOf(match: RegExpExecArray, set: CueSet): ReplyLanguage {
  for (const lang of set.langs) if (match.groups?.[lang] !== undefined) return lang;
  return set.langs[0]!;
}

/**
 * The next cue of `set` in `t` that no negator undoes, from `set.regex.lastIndex` on (set it to 0
 * to start), or null.
 */
export function nextCue(set: CueSet, t: string): RegExpExecArray | null {
  for (let m = set.regex.exec(t); m !== null; m = set.regex.exec(t)) {
    const negated = set.negated[languageOf(m, set)];
    if (negated === undefined) return m;
    negated.lastIndex = m.index;
    if (!negated.test(t)) return m;
  }
  return null;
}
