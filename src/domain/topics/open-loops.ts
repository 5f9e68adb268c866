import * as chrono from 'chrono-node/en';
import type { ZoneOffsets } from '../shared/local-time.js';
import { flipPerson, mentionOf } from './open-loop-mention.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Something the user said will happen, read from one sentence of a message. */
export interface ExtractedLoop {
  /** The sentence it was read from, as written (trimmed). */
  sentence: string;
  /** Its position among the message's sentences: with the event id, what makes it unique. */
  sentenceIndex: number;
  /** When it happens (or, for a whole day, the evening of that day). */
  dueAtMs: number;
  /** Said of a day without a time of day. */
  allDay: boolean;
  /** How an opener can name it: "your interview", "your trip to Lisbon", a quoted short form. */
  mention: string;
}

interface ExtractionContext {
  /** When the message was written: what "tomorrow" and "on Friday" count from. */
  atMs: number;
  /** The user's zone: the wall clock the words are read on. */
  zone: Pick<ZoneOffsets, 'toLocal' | 'toUtc'>;
}

/** Beyond this, a plan is too far off to follow up on (and a guess at the year is likelier wrong). */
export const HORIZON_MS = 60 * DAY;
/**
 * A day without a time of day is due at 18:00 local that day: most things said of a day (an
 * exam, a trip, a party) are over or under way by then, so a follow-up after the trigger's delay
 * (2 h by default) comes in the evening of that day rather than at midnight or the next morning.
 */
export const ALL_DAY_HOUR = 18;
/** Parts of the day as hours of the wall clock, where chrono's own guesses (06:00 for "morning") are early. */
const PART_OF_DAY: Record<string, number> = {
  morning: 9,
  noon: 12,
  midday: 12,
  lunchtime: 12,
  afternoon: 15,
  evening: 19,
  tonight: 21,
  tonite: 21,
  night: 21,
};

/**
 * Words a message must hold for chrono to be asked at all: digits, days, months, weeks, parts of
 * the day, "next". Most chat messages hold none, and this test costs a fraction of a microsecond
 * where chrono costs tens. Three-letter abbreviations that are also words ("sat", "sun", "may",
 * "mar", "wed") are left out; with a digit beside them ("May 5") the message passes anyway.
 */
const MAY_HOLD_A_DATE =
  /\d|\b(?:today|tonight|tonite|tomorrow|tmrw|tmr|mon|tues?|thu(?:rs?)?|fri|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekend|week|month|january|february|march|april|june|july|august|september|october|november|december|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec|morning|afternoon|evening|night|noon|next|days?)\b/i;

/** The sentence speaks of the past: what already happened has nothing to follow up. */
const PAST =
  /\b(?:was|were|had|did|went|ago|yesterday|earlier|already|last (?:night|week|weekend|month|year|time|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/i;
/** The sentence says there is nothing, or it is off. */
const NOTHING =
  /\b(?:no (?:plans?|school|work|class(?:es)?|exams?|meetings?)|nothing|(?:don'?t|do not|doesn'?t|does not) have|cancell?ed|postponed|called off)\b/i;
/** A habit, not one occasion. */
const RECURRING = /\b(?:every|each)\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days\b/i;
/** A question may carry the user's own plan ("can you wish me luck for my exam tomorrow?"). */
const OWN = /\b(?:my|our)\b/i;
/** Periods too vague to follow up on at a good time of one day. */
const VAGUE = /\b(?:month|year)\b/i;

/** chrono's English casual parser, with the fix below. */
const parser = buildParser();

/**
 * Reads the plans in a message: each sentence that names a future day or time (relative to the
 * message's instant, within 60 days) and something that happens then gives one loop, due at that
 * wall-clock time in the user's zone on that day (so "Friday at 3pm" is 15:00 local on Friday
 * even if the zone's offset changes before then). Questions to the bot, the past, habits,
 * durations ("5 years old") and bare times ("see you at 5") give none.
 *
 * @example
 * extractOpenLoops('My interview is on Friday at 3pm!', { atMs, zone })
 * // [{ sentence: 'My interview is on Friday at 3pm!', dueAtMs: <Friday 15:00 local>, allDay: false,
 * //    mention: 'your interview', sentenceIndex: 0 }]
 */
export function extractOpenLoops(text: string, context: ExtractionContext): ExtractedLoop[] {
  if (!mayHoldADate(text)) return [];
  const loops: ExtractedLoop[] = [];
  const sentences = splitSentences(text);
  for (let i = 0; i < sentences.length; i++) {
    const loop = loopOf(sentences[i]!, context);
    if (loop) loops.push({ ...loop, sentenceIndex: i });
  }
  return loops;
}

/**
 * How an opener names what a sentence says will happen, for a loop given without one: read from
 * the sentence with its date words out ("Interview at Acme on Friday" → "your interview at
 * Acme"), else its first words quoted.
 */
export function mentionForSentence(sentence: string): string {
  // only where the date words are matters here: any fixed reference instant will do
  const dates = parser.parse(sentence, new Date(0)).map((r) => ({ index: r.index, length: r.text.length }));
  const mention = mentionOf(sentence, dates);
  if (mention !== null) return mention;
  const words = sentence
    .replace(/[!?.…,;:"“”]+/g, ' ')
    .trim()
    .split(/\s+/)
    .slice(0, 6)
    .join(' ');
  return `"${flipPerson(words)}"`;
}

/** The pre-filter: false for a text that cannot name a day or time, which chrono is never asked about. */
export function mayHoldADate(text: string): boolean {
  return MAY_HOLD_A_DATE.test(text);
}

/** A message's sentences: ended by . ! ? … or a line break (a decimal point or a time's colon does not end one). */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/(?<=[.!?…])\s+|\n+/)) {
    const s = part.trim();
    if (s.length > 0) out.push(s);
  }
  return out;
}

function loopOf(
  sentence: string,
  { atMs, zone }: ExtractionContext,
): Omit<ExtractedLoop, 'sentenceIndex'> | null {
  if (!MAY_HOLD_A_DATE.test(sentence)) return null;
  if (PAST.test(sentence) || NOTHING.test(sentence) || RECURRING.test(sentence)) return null;
  if (/\?\s*$/.test(sentence) && !OWN.test(sentence)) return null;

  // chrono reads the wall clock of the user's zone as if it were UTC: the components it finds
  // are local, and become an instant only through the zone's offset on that day (toUtc), so a
  // DST change between the message and the day does not move the hour
  const localNowMs = zone.toLocal(atMs);
  const results = parser
    .parse(sentence, { instant: new Date(localNowMs), timezone: 0 }, { forwardDate: true })
    .filter(usable);
  // a day and a time chrono did not join ("at 2pm on the 3rd of December") are read together
  const dated = results.find((r) => namesDay(r.start));
  const timed = results.find((r) => !namesDay(r.start) && r.start.isCertain('hour'));
  if (!dated && !timed) return null;
  const part = partOfDay(results, [dated, timed]);
  const wall = wallClockOf(dated, timed, part?.word ?? null, localNowMs);
  if (!wall) return null;
  const dueAtMs = zone.toUtc(wall.localMs);
  if (dueAtMs <= atMs || dueAtMs - atMs > HORIZON_MS) return null;

  const spans = [...new Set([dated, timed, part?.result])].flatMap((r) =>
    r ? [{ index: r.index, length: r.text.length }] : [],
  );
  const mention = mentionOf(sentence, spans);
  if (mention === null) return null;
  return { sentence, dueAtMs, allDay: wall.allDay, mention };
}

type Parsed = ReturnType<typeof parser.parse>[number];
type Components = Parsed['start'];

/** Whether a result of chrono names a day or time at all, rather than a length of time or an age. */
function usable(result: Parsed): boolean {
  const text = result.text.toLowerCase();
  const relative = result.tags().has('result/relativeDate');
  // "5 years" (old), "two days" (long): a duration is a date only as "in 5 days", "5 days from now"
  if (relative && !/^(?:in|within|after|next|this)\b/.test(text) && !/\b(?:from now|later)$/.test(text))
    return false;
  if (VAGUE.test(text) && !/\b\d/.test(text)) return false;
  return true;
}

const namesDay = (c: Components) => c.isCertain('day') || c.isCertain('weekday') || c.isCertain('month');

/**
 * The local wall-clock instant that a day (`dated`) and a time of day (`timed`, or the day's own)
 * name, as epoch ms read as local time, and whether it is a whole day. A time without a day is
 * today's, or tomorrow's once it has passed.
 */
function wallClockOf(
  dated: Parsed | undefined,
  timed: Parsed | undefined,
  part: string | null,
  localNowMs: number,
): { localMs: number; allDay: boolean } | null {
  const todayMs = Math.floor(localNowMs / DAY) * DAY;
  const dayMs = dated ? dayOf(dated, todayMs) : todayMs;
  const clock = dated?.start.isCertain('hour') ? dated : (timed ?? dated!);
  if (clock.start.isCertain('hour')) {
    let hour = clock.start.get('hour')!;
    if (!clock.start.isCertain('meridiem') && hour < 12) {
      // "at 3" means the afternoon and "at 10" the morning (chrono reads both as am), unless
      // the words say otherwise ("at 6 tomorrow morning", "at 9 in the evening", "06:15")
      const pm =
        part === null ? hour >= 1 && hour <= 7 && !/\b0\d:/.test(clock.text) : PART_OF_DAY[part]! >= 12;
      if (pm) hour += 12;
    }
    const localMs = dayMs + hour * HOUR + (clock.start.get('minute') ?? 0) * MINUTE;
    if (!dated && localMs <= localNowMs) return { localMs: localMs + DAY, allDay: false };
    return { localMs, allDay: false };
  }
  if (!dated) return null;
  if (part !== null) return { localMs: dayMs + PART_OF_DAY[part]! * HOUR, allDay: false };
  return { localMs: dayMs + ALL_DAY_HOUR * HOUR, allDay: true };
}

/**
 * The part of the day said with the day or time ("tomorrow morning", "at 7 in the evening"):
 * in their own words, or in a result of chrono's of its own at most a few characters away.
 */
function partOfDay(
  results: readonly Parsed[],
  anchors: readonly (Parsed | undefined)[],
): { word: string; result: Parsed } | null {
  for (const r of results) {
    const m = PART_WORD.exec(r.text);
    if (!m) continue;
    const near = anchors.some(
      (a) =>
        a &&
        (a === r || (r.index >= a.index + a.text.length - 1 && r.index - (a.index + a.text.length) <= 10)),
    );
    if (near) return { word: m[1]!.toLowerCase(), result: r };
  }
  return null;
}

const PART_WORD = /\b(morning|noon|midday|lunchtime|afternoon|evening|tonight|tonite|night)\b/i;

/** The local day (UTC midnight of its date) that a result names, with the readings chrono lacks. */
function dayOf(result: Parsed, todayMs: number): number {
  const start = result.start;
  const text = result.text.toLowerCase();
  let dayMs = Date.UTC(start.get('year')!, start.get('month')! - 1, start.get('day')!);
  if (start.isCertain('weekday') && !start.isCertain('day')) {
    // a weekday named on that very weekday means the next one ("my exam is on Monday", said on a Monday)
    if (dayMs === todayMs && !/\b(?:this|today)\b/.test(text)) dayMs += 7 * DAY;
    // "this weekend": chrono gives its Saturday; by Sunday evening it is over
    if (/\bweekend\b/.test(text)) dayMs += (6 - mondayBased(dayMs)) * DAY;
  } else if (/\bweek\b/.test(text) && !/\bin\b/.test(text)) {
    // "next week": chrono gives the same weekday a week on; by the week's Friday it has likely happened
    dayMs += (4 - mondayBased(dayMs)) * DAY;
  }
  return dayMs;
}

/** 0 for Monday .. 6 for Sunday, of a day given as UTC midnight. */
function mondayBased(dayMs: number): number {
  return (new Date(dayMs).getUTCDay() + 6) % 7;
}

/**
 * chrono's casual English parser with one addition. It does not read "the 5th" (a day of the
 * month without the month), so "on the 5th at 10" became "today at 10"; a parser here reads it
 * as the next 5th (this month's if not past, else the next month's that has one).
 */
function buildParser() {
  const custom = chrono.casual.clone();
  custom.parsers.push({
    pattern: () =>
      /(?<![\w/])(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/i,
    extract: (context, match) => {
      const wanted = Number(match[1]);
      if (wanted < 1 || wanted > 31) return null;
      const ref = context.refDate;
      // the reference is the local wall clock in UTC fields (timezone 0)
      let year = ref.getUTCFullYear();
      let month = ref.getUTCMonth();
      if (wanted < ref.getUTCDate()) month += 1;
      for (let i = 0; i < 12 && daysIn(year, month) < wanted; i++) month += 1;
      year += Math.floor(month / 12);
      month %= 12;
      return context
        .createParsingComponents()
        .assign('day', wanted)
        .imply('month', month + 1)
        .imply('year', year);
    },
  });
  return custom;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
