import type { TopicCandidate } from '../topics/select-topic.js';

/** A mention this long or longer is cut at a word boundary, with an ellipsis. */
const MAX_MENTION = 90;

/** First and second person swapped: what the user said of themselves, said back to them. */
const FLIP: Record<string, string> = {
  i: 'you',
  "i'm": "you're",
  "i've": "you've",
  "i'll": "you'll",
  "i'd": "you'd",
  me: 'you',
  my: 'your',
  mine: 'yours',
  myself: 'yourself',
  am: 'are',
  was: 'were',
  we: 'you',
  "we're": "you're",
  us: 'you',
  our: 'your',
  ours: 'yours',
};

/**
 * How an opener names a topic: the mention the bot or the extraction gave, else one made from
 * the text: the user's own words said back in the second person ("your sister Luna is having
 * surgery"); a memory as "when …" ("when you went hiking in the Alps"); a conversation topic is
 * its own name.
 */
export function mentionOf(candidate: Pick<TopicCandidate, 'kind' | 'text' | 'mention'>): string {
  const given = candidate.mention?.trim();
  if (given) return given;
  const said = shorten(secondPerson(stripEnd(candidate.text)));
  if (candidate.kind === 'memory') {
    if (/^when\b/i.test(said)) return said;
    return SUBJECTLESS.has(said.split(' ', 1)[0]!) ? `when you ${said}` : `when ${said}`;
  }
  return said;
}

/** "I was" → "you were", "my" → "your"; other words as they were. */
export function secondPerson(text: string): string {
  return text.replace(/[A-Za-z'\u2019]+/g, (word, offset: number) => {
    const flipped = FLIP[word.toLowerCase().replace(/\u2019/g, "'")];
    if (!flipped) return offset === 0 ? lowerFirst(word) : word;
    return flipped;
  });
}

function stripEnd(text: string): string {
  return text.trim().replace(/[.!?\s]+$/u, '');
}

/** Past-tense verbs a memory often starts with, its subject (the user) left out: "Went hiking". */
const SUBJECTLESS = new Set(
  'went had got started finished moved lost bought visited met saw took made tried ran won passed failed graduated adopted began came left travelled traveled flew celebrated spent watched read cooked'.split(
    ' ',
  ),
);

function lowerFirst(word: string): string {
  // "The" → "the", "Went" → "went"; a name or an acronym ("Luna", "NASA") keeps its capital
  const lower = word.toLowerCase();
  return SUBJECTLESS.has(lower) || ['the', 'a', 'an'].includes(lower) ? lower : word;
}

function shorten(text: string): string {
  if (text.length <= MAX_MENTION) return text;
  const cut = text.slice(0, MAX_MENTION);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut).replace(/[,;:\s]+$/u, '')}…`;
}
