/**
 * How an opener names a plan the user spoke of ("How did {mention} go?"), read from the sentence
 * with its date words taken out: an event it names ("my interview" → "your interview", "exam" →
 * "your exam", "the wedding"), a journey ("flying to Lisbon" → "your trip to Lisbon"), or, when
 * the user says what they will do without naming an event, a quoted short form ("seeing your
 * mom"). Null when the sentence names no event and no plan of the user's: a date alone ("how are
 * you doing today", "see you at 5") is no open loop.
 */
export function mentionOf(
  sentence: string,
  dates: readonly { index: number; length: number }[],
): string | null {
  let rest = sentence;
  // the date words out, latest first so the earlier spans keep their place
  for (const d of [...dates].sort((a, b) => b.index - a.index))
    rest = `${rest.slice(0, d.index)} ${rest.slice(d.index + d.length)}`;
  rest = rest
    .replace(/[!?.…,;:()"“”]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return eventMention(rest) ?? journeyMention(rest) ?? planMention(rest);
}

/** Nouns of things that happen on a day; plural forms are matched too. */
const EVENTS = [
  'interview',
  'exam',
  'test',
  'quiz',
  'midterm',
  'final',
  'flight',
  'trip',
  'vacation',
  'holiday',
  'appointment',
  'meeting',
  'surgery',
  'operation',
  'procedure',
  'party',
  'wedding',
  'date',
  'concert',
  'game',
  'match',
  'presentation',
  'recital',
  'performance',
  'show',
  'gig',
  'audition',
  'deadline',
  'lecture',
  'seminar',
  'shift',
  'race',
  'marathon',
  'tournament',
  'competition',
  'conference',
  'birthday',
  'anniversary',
  'funeral',
  'ceremony',
  'graduation',
  'checkup',
  'check-up',
  'dinner',
  'lunch',
  'brunch',
  'hearing',
  'demo',
  'launch',
  'therapy',
  'rehearsal',
  'tryout',
  'reunion',
  'festival',
  'scan',
  'mri',
  'results',
  'defense',
  'defence',
  'pitch',
  'hike',
  'review',
  'treatment',
  'ultrasound',
  'premiere',
  'sleepover',
  'playdate',
  'call',
  'first day',
  'new job',
  'big day',
  'last day',
  'visit',
  'trial',
  'lesson',
  'class',
  'session',
  'practice',
  'training',
  'work',
  'school',
  'church',
  'doctor',
  'dentist',
  'vet',
  'hairdresser',
];
/** People one goes to see: the event is the visit. */
const VISITED = new Set(['doctor', 'dentist', 'vet', 'hairdresser']);
const NOUN = `(?:${EVENTS.join('|')})(?:e?s)?`;
/** A run of event nouns ("dentist appointment", "birthday party"): the last one is the head. */
const EVENT = new RegExp(`\\b((?:${NOUN}\\s+)*)(${NOUN})\\b`, 'i');
/** Words that end the modifiers before an event noun ("I have a [job] interview"). */
const STOP = new Set(
  "i im i'm have has got get a an the is are my our your his her their its and or but so for on at in to of with this that next it it's there there's will gonna going be been just also really huge some one another about up off what when how then now after before by from".split(
    ' ',
  ),
);
const DETERMINERS = new Set(['a', 'an', 'the', 'my', 'our', 'his', 'her', 'their', 'your']);
/** Named as they are, without "your": "How did work go?" */
const BARE = new Set(['work', 'school', 'class', 'practice', 'training', 'church']);
const POSSESSIVES: Record<string, string> = {
  my: 'your',
  our: 'your',
  the: 'the',
  his: 'his',
  her: 'her',
  their: 'their',
};

function eventMention(rest: string): string | null {
  const match = EVENT.exec(rest);
  if (!match) return null;
  const before = rest.slice(0, match.index).trim().split(' ').filter(Boolean);
  const modifiers: string[] = [];
  while (before.length > 0 && modifiers.length < 3 && !STOP.has(before.at(-1)!.toLowerCase()))
    modifiers.unshift(before.pop()!);
  const determiner = before.at(-1)?.toLowerCase();
  // words before the noun are its modifiers only after a determiner or at the start ("a job
  // interview", "my sister's wedding"); in "I hate meetings" the word before is a verb
  if (determiner !== undefined && !DETERMINERS.has(determiner)) modifiers.length = 0;
  const head = match[2]!.toLowerCase();
  const noun = rest.slice(match.index, match.index + match[0].length).toLowerCase();
  if (VISITED.has(head) && modifiers.length === 0 && match[1] === '') return `your visit to the ${head}`;
  const owned = determiner !== undefined && determiner in POSSESSIVES;
  if (BARE.has(head) && modifiers.length === 0 && match[1] === '') {
    // "I have work", "my class": a thing; "I work 9 to 5": a habit
    if (!owned && !/^(?:have|has|got|a|an)$/.test(determiner ?? '')) return null;
    // "How did work go?": named without an owner
    if (!owned) return head;
  }
  const holder = holderOf(before.join(' '));
  const owner = holder ? `your ${holder}'s` : owned ? POSSESSIVES[determiner]! : 'your';
  const after = complement(rest.slice(match.index + match[0].length));
  return tidy([owner, ...modifiers.map(flipPerson), noun, after].filter(Boolean).join(' '));
}

/**
 * Whose event it is when it is somebody else's: "my daughter has a", "my sister Luna has", "my
 * little brother has his", "my son is having an" → "daughter", "sister Luna", "little brother",
 * "son". Null when the words before the event name nobody of the user's. Without this, "My sister
 * Luna has surgery" was asked about as the user's own surgery.
 */
function holderOf(before: string): string | null {
  const m =
    /\bmy ([\w-]+)(?: ([\w'-]+))? (?:has|had|have|got|is having|was having)(?: (?:a|an|his|her|their))?$/i.exec(
      before,
    );
  if (!m) return null;
  const second = m[2];
  if (second === undefined) return m[1]!.toLowerCase();
  // a name keeps its capital ("sister Luna"); other words are a description ("little brother")
  return `${m[1]!.toLowerCase()} ${/^[A-Z]/.test(second) ? second : second.toLowerCase()}`;
}

/** "to Lisbon", "with Sam", "at Google": one or two words after an event, when they are not filler. */
function complement(after: string): string {
  const m = /^\s+(to|with|in|at)\s+(.*)$/.exec(after);
  if (!m) return '';
  const words = m[2]!.split(' ');
  const taken: string[] = [];
  if (/^(?:the|my|our|a)$/i.test(words[0] ?? '')) taken.push(words.shift()!);
  while (words.length > 0 && taken.length < 3 && !STOP.has(words[0]!.toLowerCase()))
    taken.push(words.shift()!);
  if (taken.length === 0 || STOP.has(taken.at(-1)!.toLowerCase())) return '';
  return `${m[1]} ${flipPerson(taken.join(' '))}`;
}

/** Going somewhere without naming a trip: "flying to Lisbon", "moving to Berlin". */
function journeyMention(rest: string): string | null {
  const m =
    /\b(fly(?:ing)?|travel(?:l)?ing|heading|leaving|driving|off|going|moving|move)\s+(?:back\s+|out\s+)?(?:to|for)\s+((?:the\s+)?[\w'-]+)(\s+[A-Z][\w'-]*)?/i.exec(
      rest,
    );
  if (!m) return null;
  // a second word only when it is a name too ("New York"), not "with" or "and"
  const place = m[3] && /^\s+[A-Z]/.test(m[3]) && /^[A-Z]/.test(m[2]!) ? `${m[2]}${m[3]}` : m[2]!;
  // "going to study": a verb, not a place ("going to Rome", "going to the dentist" are places)
  if (/^going$/i.test(m[1]!) && !/^(?:[A-Z]|the\s)/.test(place)) return null;
  if (STOP.has(place.toLowerCase())) return null;
  const moving = /^mov/i.test(m[1]!);
  return tidy(`${moving ? 'your move' : 'your trip'} to ${flipPerson(place)}`);
}

/** What the user says they will do, quoted: "I'm seeing my mom" → "seeing your mom". */
function planMention(rest: string): string | null {
  const m =
    /\b(?:i'?m|i am|we'?re|we are)\s+((?:\w+ing)(?:\s+[\w'-]+){0,3})/i.exec(rest) ??
    /\b(?:i (?:have|need) to|i'?ve got to|i gotta|i'?m going to|i'?m gonna|i'?ll|i will)\s+((?:\w+)(?:\s+[\w'-]+){0,3})/i.exec(
      rest,
    );
  if (!m) return null;
  const phrase = m[1]!
    .replace(/\s+(?:and|but|so|because|then)\b.*$/i, '')
    .replace(/(?:\s+(?:by|at|on|in|to|for|with|of|the|a|an))+$/i, '')
    .trim();
  const [verb, ...object] = phrase.toLowerCase().split(' ');
  // talk to the bot, moods and states, "do it": nothing to ask "how did it go" about
  if (/\byou\b/i.test(phrase) || NOT_PLANS.has(verb!)) return null;
  if (object.every((w) => VAGUE_OBJECTS.has(w))) return null;
  return `"${flipPerson(phrase)}"`;
}

const NOT_PLANS = new Set([
  'be',
  'going',
  'doing',
  'thinking',
  'feeling',
  'wondering',
  'trying',
  'hoping',
  'getting',
  'talk',
  'text',
  'chat',
  'tell',
  'call',
  'message',
  'let',
  'see',
  'check',
  'sleep',
  'sleeping',
  'staying',
  'stay',
  'working',
]);

const VAGUE_OBJECTS = new Set(['it', 'that', 'this', 'them', 'something', 'stuff', 'things', 'so', 'too']);

/** "my" → "your", "me" → "you", for the character to say it back. */
export function flipPerson(words: string): string {
  return words.replace(/\b(my|our|me|myself|i'm|i)\b/gi, (w) => {
    const lower = w.toLowerCase();
    if (lower === 'my' || lower === 'our') return 'your';
    if (lower === 'me') return 'you';
    if (lower === 'myself') return 'yourself';
    return lower === "i'm" ? "you're" : 'you';
  });
}

function tidy(mention: string): string {
  return mention.replace(/\s+/g, ' ').trim().slice(0, 60);
}
