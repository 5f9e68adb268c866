/** What an opener must not do; a composer whose opener breaks one falls back to the template. */
export type GuardrailViolation =
  | 'empty'
  | 'too_long'
  | 'too_similar'
  | 'sensitive_in_public'
  | 'manipulative';

export interface GuardrailInput {
  /** Longest opener allowed, in characters. */
  maxLength: number;
  /** The user's recent openers, to keep from repeating one. */
  recentOpeners: readonly string[];
  /** Whether others can read the message. */
  channel: 'private' | 'public';
  /** Texts of the user's sensitive facts and memories: none may show in a public channel. */
  sensitiveTexts: readonly string[];
}

export interface GuardrailResult {
  ok: boolean;
  violations: { rule: GuardrailViolation; detail: string }[];
}

/** Openers this similar (Jaccard of word pairs) to a recent one repeat it. */
const MAX_SIMILARITY = 0.5;

/**
 * Guilt-tripping and pressuring phrasings a companion must never use to get a reply, in lower
 * case with plain apostrophes; matched on word boundaries after the same normalisation.
 */
export const MANIPULATIVE_PHRASES: readonly string[] = [
  "don't leave me",
  'do not leave me',
  "i'm lonely without you",
  'i am lonely without you',
  "i'm so lonely",
  'you never talk to me',
  'you never write',
  'why are you ignoring me',
  'why did you abandon me',
  'you forgot about me',
  'you forgot me',
  'if you cared',
  'if you really cared',
  'after everything i did for you',
  "after everything i've done",
  'you owe me',
  "you'll regret",
  'you will regret',
  'i need you to answer',
  'answer me',
  'reply now',
  'are you mad at me',
  "i can't live without you",
  'i cannot live without you',
  'nobody else cares about you',
  'only i understand you',
  'i miss you so much it hurts',
  "i'll be sad forever",
];

/** Checks an opener against every guardrail; all violations are listed, not only the first. */
export function checkOpener(text: string, input: GuardrailInput): GuardrailResult {
  const violations: GuardrailResult['violations'] = [];
  const trimmed = text.trim();
  if (trimmed.length === 0) violations.push({ rule: 'empty', detail: 'the opener is empty' });
  if ([...trimmed].length > input.maxLength)
    violations.push({
      rule: 'too_long',
      detail: `${[...trimmed].length} characters, more than ${input.maxLength}`,
    });
  const words = normalise(trimmed);
  const pairs = wordPairs(words);
  for (const recent of input.recentOpeners) {
    const similarity = jaccard(pairs, wordPairs(normalise(recent)));
    if (similarity >= MAX_SIMILARITY) {
      violations.push({
        rule: 'too_similar',
        detail: `${Math.round(similarity * 100)}% the same word pairs as a recent opener`,
      });
      break;
    }
  }
  if (input.channel === 'public') {
    const present = new Set(words);
    for (const sensitive of input.sensitiveTexts) {
      const terms = contentWords(normalise(sensitive));
      const shown = terms.filter((t) => present.has(t));
      // one shared word may be chance ("friday"); two, or all of a short text, is the fact itself
      if (shown.length >= Math.min(2, terms.length) && shown.length > 0) {
        violations.push({
          rule: 'sensitive_in_public',
          detail: `mentions a sensitive fact (${shown.join(', ')}) in a public channel`,
        });
        break;
      }
    }
  }
  const spaced = ` ${words.join(' ')} `;
  for (const phrase of MANIPULATIVE_PHRASES)
    if (spaced.includes(` ${normalise(phrase).join(' ')} `)) {
      violations.push({ rule: 'manipulative', detail: `says "${phrase}"` });
      break;
    }
  return { ok: violations.length === 0, violations };
}

/** Lower-case words, apostrophes kept inside words and made plain, everything else a separator. */
export function normalise(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

function wordPairs(words: readonly string[]): Set<string> {
  const pairs = new Set<string>();
  if (words.length === 1) pairs.add(words[0]!);
  for (let i = 1; i < words.length; i++) pairs.add(`${words[i - 1]} ${words[i]}`);
  return pairs;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

const STOPWORDS = new Set(
  'the a an and or but of to in on at for with from by is are was were be been has have had her his their our my your its this that these those she he they we you i it me him them us about into over after before will would can could should just very so not no yes'.split(
    ' ',
  ),
);

/** The words of a text that carry its meaning: four letters or more, not a common word. */
function contentWords(words: readonly string[]): string[] {
  return [...new Set(words.filter((w) => w.length >= 4 && !STOPWORDS.has(w)))];
}
