import { compileCues } from './lexicon/compile.js';
import { de } from './lexicon/de.js';
import { en } from './lexicon/en.js';
import { es } from './lexicon/es.js';
import { fr } from './lexicon/fr.js';
import { EMOJI, type Lexicon } from './lexicon/lexicon.js';
import { pt } from './lexicon/pt.js';

const LEXICONS: readonly Lexicon[] = [en, de, es, fr, pt];
const negators = (l: Lexicon) => l.negators;

/**
 * Every class of cue compiled once, at module load: a reply costs one scan per class, not one per
 * class and language, and no regular expression is built per call.
 */
export const CUES = {
  stop: compileCues(
    LEXICONS,
    (l) => l.stop,
    (l) => l.stopNegators,
  ),
  stopAll: compileCues(LEXICONS, (l) => l.stopAll),
  wrongTime: compileCues(LEXICONS, (l) => l.wrongTime, negators),
  annoyed: compileCues(LEXICONS, (l) => l.annoyed, negators),
  notNow: compileCues(LEXICONS, (l) => l.notNow, negators),
  invite: compileCues(LEXICONS, (l) => l.invite),
  engaged: compileCues(LEXICONS, (l) => l.engaged),
  neutral: compileCues(LEXICONS, (l) => l.neutral),
  negative: compileCues(LEXICONS, (l) => l.negative),
};

/**
 * A time qualifier in the rest of a stop cue's sentence ("stop texting me at work"), read from the
 * cue's end with the sticky flag. Any language's qualifier counts: the sentence has one language.
 */
export const STOP_TIME_QUALIFIER = new RegExp(
  String.raw`[^.!?;\n]*?(?<![\p{L}\p{N}])(?:${LEXICONS.flatMap((l) => l.stopTimeQualifiers).join('|')})(?![\p{L}\p{N}])`,
  'uy',
);

/**
 * A question about stopping that ends at most two words before a stop cue, with no punctuation
 * between ("what does unsubscribe do?", "si je me désabonne"), read at the cue's start with the
 * sticky flag, and only where a stop cue matched. Any language's question counts, as with the
 * time qualifiers.
 */
export const STOP_QUESTION = new RegExp(
  String.raw`(?<=(?<![\p{L}\p{N}-])(?:${LEXICONS.flatMap((l) => l.stopQuestions).join('|')})(?:\s+[\p{L}'-]+){0,2}\s+)`,
  'uy',
);

export const EMOJI_ENGAGED = new RegExp(EMOJI.engaged.join('|'), 'gu');
export const EMOJI_ANNOYED = new RegExp(EMOJI.annoyed.join('|'), 'u');
