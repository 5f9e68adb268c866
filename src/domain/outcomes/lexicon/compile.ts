import type { Lexicon, ReplyLanguage } from './lexicon.js';

/**
 * A compiled class of cues over all languages: as few regular expressions as the size limit below
 * allows, each with one named group per language it holds.
 */
export interface CueSet {
  parts: readonly CuePart[];
}

interface CuePart {
  regex: RegExp;
  langs: readonly ReplyLanguage[];
  /** Per language, a sticky test of "a negator ends right here", read at a match's start. */
  negated: Partial<Record<ReplyLanguage, RegExp>>;
}

/** One cue found in a reply: where it is, what it matched and in which language. */
export interface Cue {
  index: number;
  end: number;
  text: string;
  lang: ReplyLanguage;
}

/** A cue starts and ends at a word edge; a hyphen counts as part of the word, so "non-stop" is one word. */
const START = String.raw`(?<![\p{L}\p{N}-])`;
const END = String.raw`(?![\p{L}\p{N}])`;
/** A negator does not reach across these: "nerv nicht und schreib mir nie wieder" is a stop. */
const CONJUNCTIONS = 'and|but|or|und|aber|oder|y|pero|o|et|mais|ou|e|mas';

/**
 * The longest source of one part. V8 does not optimise a regular expression whose source is
 * longer than 20 KB (`kRegExpTooLargeToOptimize`): when the stop cues of all five languages grew
 * past it, classifying ran five times slower (137,000 replies a second to 26,000).
 */
export const MAX_PART_SOURCE = 18_000;

/**
 * Joins one class of cues from every lexicon into global regular expressions, so a reply is
 * scanned once per part (one part, for all but the largest class) rather than once per language
 * and class. Consecutive languages share a part while its source stays under `MAX_PART_SOURCE`.
 * `negators`, when given, undo a cue right after them ("don't stop", "nicht beschäftigt", one word
 * may sit between). They are checked only where a cue matched, not inside the scan: as lookbehinds
 * in the scan they were tried at every position and made it about twice as slow.
 */
export function compileCues(
  lexicons: readonly Lexicon[],
  pick: (lexicon: Lexicon) => readonly string[],
  negators?: (lexicon: Lexicon) => string,
): CueSet {
  const groups: { lang: ReplyLanguage; source: string }[] = [];
  const negated: Partial<Record<ReplyLanguage, RegExp>> = {};
  for (const lexicon of lexicons) {
    const cues = pick(lexicon);
    if (cues.length === 0) continue;
    groups.push({ lang: lexicon.lang, source: `(?<${lexicon.lang}>${cues.join('|')})` });
    if (negators)
      negated[lexicon.lang] = new RegExp(
        `(?<=${START}(?:${negators(lexicon)})\\s+(?:(?!(?:${CONJUNCTIONS})\\s)[\\p{L}']+\\s+)?)`,
        'uy',
      );
  }
  const parts: CuePart[] = [];
  let pending: typeof groups = [];
  const flush = () => {
    if (pending.length === 0) return;
    const source = `${START}(?:${pending.map((g) => g.source).join('|')})${END}`;
    parts.push({ regex: new RegExp(source, 'gu'), langs: pending.map((g) => g.lang), negated });
    pending = [];
  };
  for (const group of groups) {
    if (group.source.length > MAX_PART_SOURCE)
      throw new Error(
        `the ${group.lang} cues of one class are ${group.source.length} characters long, over ${MAX_PART_SOURCE}: split the class`,
      );
    const size = pending.reduce((n, g) => n + g.source.length + 1, 0) + group.source.length;
    if (size > MAX_PART_SOURCE) flush();
    pending.push(group);
  }
  flush();
  return { parts };
}

/**
 * The first cue of `set` in `t` at or after `from` that no negator undoes, or null. Of cues of
 * different parts, the one that starts first wins, and at the same start the earlier language, as
 * the alternation of a single expression would choose.
 */
export function nextCue(set: CueSet, t: string, from = 0): Cue | null {
  let best: Cue | null = null;
  for (const part of set.parts) {
    const cue = nextInPart(part, t, from);
    if (cue !== null && (best === null || cue.index < best.index)) best = cue;
  }
  return best;
}

function nextInPart(part: CuePart, t: string, from: number): Cue | null {
  part.regex.lastIndex = from;
  for (let m = part.regex.exec(t); m !== null; m = part.regex.exec(t)) {
    const lang = languageOf(m, part);
    const negated = part.negated[lang];
    if (negated !== undefined) {
      negated.lastIndex = m.index;
      if (negated.test(t)) continue;
    }
    return { index: m.index, end: m.index + m[0].length, text: m[0], lang };
  }
  return null;
}

/** How many cues of `set` are in `t`, negated or not. */
export function countCues(set: CueSet, t: string): number {
  let n = 0;
  for (const part of set.parts) {
    part.regex.lastIndex = 0;
    while (part.regex.exec(t) !== null) n++;
  }
  return n;
}

function languageOf(match: RegExpExecArray, part: CuePart): ReplyLanguage {
  for (const lang of part.langs) if (match.groups?.[lang] !== undefined) return lang;
  return part.langs[0]!;
}
