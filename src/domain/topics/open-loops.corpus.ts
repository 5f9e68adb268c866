/**
 * Chat sentences with what `extractOpenLoops` must make of them, for open-loops.test.ts. Unless
 * a case says otherwise it is said on Monday 2026-11-23 at 10:00 in Chicago (16:00Z; Chicago is
 * UTC-6 from 1 November). Due times are written as local time with that day's offset.
 *
 * `loop` is what the extractor returns, and the test holds it to exactly that. Where that is
 * knowingly not what a careful reader takes from the sentence, `known` says what the reader
 * takes and why the extractor does not: those cases are counted against the precision and recall
 * the test computes, never skipped.
 */
export interface CorpusCase {
  text: string;
  /** When it was said (default: Monday 2026-11-23 10:00 Chicago). */
  at?: string;
  /** The user's zone (default America/Chicago). */
  zone?: string;
  /** The loop it gives (the first, for a message of several sentences), or null for none. */
  loop: { due: string; allDay: boolean; mention: string; sentenceIndex?: number } | null;
  known?: { reader: 'a plan' | 'no plan' | 'another time'; why: string };
}

export const CORPUS_AT = '2026-11-23T16:00:00Z';
export const CORPUS_ZONE = 'America/Chicago';

const timed = (due: string, mention: string) => ({ due, allDay: false, mention });
const day = (date: string, mention: string, offset = '-06:00') => ({
  due: `${date}T18:00:00${offset}`,
  allDay: true,
  mention,
});

export const CORPUS: readonly CorpusCase[] = [
  // plans with a day and a time
  { text: 'my interview is on Friday at 3pm', loop: timed('2026-11-27T15:00:00-06:00', 'your interview') },
  { text: 'Interview at 3pm on Fri', loop: timed('2026-11-27T15:00:00-06:00', 'your interview') },
  { text: 'meeting at 10:30 tomorrow', loop: timed('2026-11-24T10:30:00-06:00', 'your meeting') },
  { text: 'recital on sunday at 2', loop: timed('2026-11-29T14:00:00-06:00', 'your recital') },
  {
    text: 'I have a job interview at Google on Wednesday at 11am',
    loop: timed('2026-11-25T11:00:00-06:00', 'your job interview at Google'),
  },
  {
    text: 'my daughter has a recital on Thursday at 6:30',
    loop: timed('2026-11-26T18:30:00-06:00', "your daughter's recital"),
  },
  { text: 'so my trial is on 12/14 at 9:00', loop: timed('2026-12-14T09:00:00-06:00', 'your trial') },
  // "on the 5th" alone is no date to chrono, which read "on the 5th at 10" as today at 10:00
  {
    text: 'on the 5th at 10 I have a dentist appointment',
    loop: timed('2026-12-05T10:00:00-06:00', 'your dentist appointment'),
  },
  {
    text: 'my dentist appointment is on the 5th at 10',
    loop: timed('2026-12-05T10:00:00-06:00', 'your dentist appointment'),
  },
  // chrono leaves "at 2pm" and "on the 3rd of December" apart; they are read together
  { text: 'My exam is at 2pm on the 3rd of December', loop: timed('2026-12-03T14:00:00-06:00', 'your exam') },
  // a bare hour: 1 to 7 are the afternoon, unless the morning is said; 06:15 is a clock's
  { text: 'I have a meeting at 3', loop: timed('2026-11-23T15:00:00-06:00', 'your meeting') },
  { text: 'dinner with Sam and Jo at 7', loop: timed('2026-11-23T19:00:00-06:00', 'your dinner with Sam') },
  { text: 'i have work at 8 tomorrow', loop: timed('2026-11-24T08:00:00-06:00', 'work') },
  { text: 'my flight leaves at 6 tomorrow morning', loop: timed('2026-11-24T06:00:00-06:00', 'your flight') },
  { text: 'my flight leaves at 06:15 tomorrow', loop: timed('2026-11-24T06:15:00-06:00', 'your flight') },
  {
    text: 'I have a call with my boss at 4:30',
    loop: timed('2026-11-23T16:30:00-06:00', 'your call with your boss'),
  },
  { text: 'I have a test in 2 hours', loop: timed('2026-11-23T12:00:00-06:00', 'your test') },
  // parts of the day: morning 09:00, afternoon 15:00, evening 19:00, night 21:00
  { text: 'tomorrow morning I have a test', loop: timed('2026-11-24T09:00:00-06:00', 'your test') },
  {
    text: 'job interview next tuesday morning',
    loop: timed('2026-12-01T09:00:00-06:00', 'your job interview'),
  },
  {
    text: "my mom's surgery is on Thursday morning",
    loop: timed('2026-11-26T09:00:00-06:00', "your mom's surgery"),
  },
  { text: 'party this saturday night', loop: timed('2026-11-28T21:00:00-06:00', 'your party') },
  { text: 'concert tonight!', loop: timed('2026-11-23T21:00:00-06:00', 'your concert') },
  { text: 'the game starts at 8 tonight', loop: timed('2026-11-23T20:00:00-06:00', 'the game') },
  { text: 'at 7 in the evening I have a date', loop: timed('2026-11-23T19:00:00-06:00', 'your date') },
  {
    text: 'I have my exam tomorrow at 9 in the evening',
    loop: timed('2026-11-24T21:00:00-06:00', 'your exam'),
  },

  // a day without a time of day: due at 18:00 local that day
  { text: 'exam tomorrow', loop: day('2026-11-24', 'your exam') },
  { text: 'test tmr', loop: day('2026-11-24', 'your test') },
  { text: 'tmrw I have my exam', loop: day('2026-11-24', 'your exam') },
  { text: "It's my birthday tomorrow!", loop: day('2026-11-24', 'your birthday') },
  { text: "my exam is tomorrow, I'm so nervous", loop: day('2026-11-24', 'your exam') },
  {
    text: 'tomorrow is my first day at the new job',
    loop: day('2026-11-24', 'your first day at the new job'),
  },
  { text: 'my exam is in 3 days', loop: day('2026-11-26', 'your exam') },
  { text: 'the meeting got moved to Thursday', loop: day('2026-11-26', 'the meeting') },
  { text: 'my flight is on december 3rd', loop: day('2026-12-03', 'your flight') },
  { text: 'the deadline is Dec 1', loop: day('2026-12-01', 'the deadline') },
  // US order: month first
  { text: 'I have an exam on 12/5', loop: day('2026-12-05', 'your exam') },
  { text: 'the wedding is on the 12th', loop: day('2026-12-12', 'the wedding') },
  { text: "we're having a party on the 30th", loop: day('2026-11-30', 'your party') },
  // November has no 31st: the next month that has one
  { text: 'my checkup is on the 31st', loop: day('2026-12-31', 'your checkup') },
  { text: 'my interview is on Friday the 4th', loop: day('2026-12-04', 'your interview') },
  { text: "my sister's wedding is on Saturday", loop: day('2026-11-28', "your sister's wedding") },
  // someone else's event, named with a name and without an article: not the user's own surgery
  {
    text: "My sister Luna has surgery on Thursday, I'm so nervous",
    loop: day('2026-11-26', "your sister Luna's surgery"),
  },
  { text: 'my son is having an operation on Friday', loop: day('2026-11-27', "your son's operation") },
  { text: 'my birthday party is on Saturday', loop: day('2026-11-28', 'your birthday party') },
  { text: 'heading to Paris on Friday with my boyfriend', loop: day('2026-11-27', 'your trip to Paris') },
  { text: "I'm flying out to New York on the 10th", loop: day('2026-12-10', 'your trip to New York') },
  { text: 'going to the doctor in 2 weeks', loop: day('2026-12-07', 'your visit to the doctor') },
  { text: 'in a week I start my new job', loop: day('2026-11-30', 'your new job') },
  { text: "I'm seeing my mom on Sunday", loop: day('2026-11-29', '"seeing your mom"') },
  { text: 'I need to finish my essay by Friday', loop: day('2026-11-27', '"finish your essay"') },
  // said on a Monday, "on Monday" is next week's; "next monday" too
  { text: 'presentation on monday', loop: day('2026-11-30', 'your presentation') },
  { text: 'finals start next monday', loop: day('2026-11-30', 'your finals') },
  // chrono reads "next Friday" as the Friday of next week, not this week's
  { text: 'my recital is next Friday', loop: day('2026-12-04', 'your recital') },
  // a week or a weekend: by its Friday, or its Sunday, it has happened
  { text: 'flying to Lisbon next week', loop: day('2026-12-04', 'your trip to Lisbon') },
  { text: 'I have 3 exams next week', loop: day('2026-12-04', 'your exams') },
  { text: 'I have a date this weekend', loop: day('2026-11-29', 'your date') },
  // a question to the bot is no plan, but one about the user's own plan is
  { text: 'can you wish me luck for my exam tomorrow?', loop: day('2026-11-24', 'your exam') },
  { text: 'what if my flight is delayed tomorrow?', loop: day('2026-11-24', 'your flight') },
  // the plan is in the second sentence
  {
    text: 'Hey! So I have my driving test tomorrow at 9. Wish me luck',
    loop: { ...timed('2026-11-24T09:00:00-06:00', 'your driving test'), sentenceIndex: 1 },
  },

  // other zones, DST, and the user's own day
  {
    // said on a Wednesday in CDT (UTC-5); Monday is after the change back to CST (UTC-6)
    text: 'my interview is on Monday at 3pm',
    at: '2026-10-28T15:00:00Z',
    loop: timed('2026-11-02T15:00:00-06:00', 'your interview'),
  },
  { text: 'exam on Monday', at: '2026-10-30T15:00:00Z', loop: day('2026-11-02', 'your exam') },
  {
    // 02:30 does not exist in Chicago on 8 March 2026 (clocks go from 02:00 to 03:00)
    text: 'my flight is on Sunday at 2:30am',
    at: '2026-03-06T16:00:00Z',
    loop: timed('2026-03-08T03:00:00-05:00', 'your flight'),
  },
  {
    // said in CET (UTC+1); Monday is in CEST (UTC+2)
    text: 'exam on Monday at 9',
    at: '2026-03-25T09:00:00Z',
    zone: 'Europe/Berlin',
    loop: timed('2026-03-30T09:00:00+02:00', 'your exam'),
  },
  {
    text: 'I have a job interview tomorrow at 14:00',
    at: '2026-11-23T09:00:00Z',
    zone: 'Europe/Berlin',
    loop: timed('2026-11-24T14:00:00+01:00', 'your job interview'),
  },
  {
    text: 'flying to Lisbon next week',
    at: '2026-10-21T08:00:00Z',
    zone: 'Europe/Berlin',
    loop: day('2026-10-30', 'your trip to Lisbon', '+01:00'),
  },
  {
    // 23:30 UTC on the 23rd is already Tuesday the 24th in Tokyo
    text: 'my presentation is today at 5',
    at: '2026-11-23T23:30:00Z',
    zone: 'Asia/Tokyo',
    loop: timed('2026-11-24T17:00:00+09:00', 'your presentation'),
  },
  {
    // 05:00 UTC on the 24th is still Monday 23:00 in Chicago: "tomorrow" is Tuesday
    text: 'exam tomorrow',
    at: '2026-11-24T05:00:00Z',
    loop: day('2026-11-24', 'your exam'),
  },

  // no plan
  { text: 'how are you doing today', loop: null },
  { text: 'I was sick yesterday', loop: null },
  { text: 'what are you doing tomorrow?', loop: null },
  { text: 'what should I cook tonight?', loop: null },
  { text: "I'm 5 years old", loop: null },
  { text: 'at 3 I had lunch', loop: null },
  { text: 'see you at 5', loop: null },
  { text: 'ok see you tomorrow then', loop: null },
  { text: "it's 5 o'clock somewhere", loop: null },
  { text: 'last friday was fun', loop: null },
  { text: 'my exam was on Monday', loop: null },
  { text: "I'll be back in 10 minutes", loop: null },
  { text: 'brb 5 min', loop: null },
  { text: "I don't have school tomorrow", loop: null },
  { text: 'the meeting was cancelled, it was supposed to be tomorrow', loop: null },
  { text: 'every monday I have a class', loop: null },
  { text: 'Remind me tomorrow', loop: null },
  { text: "I'll talk to you tomorrow", loop: null },
  { text: "lol I'll do it tomorrow", loop: null },
  { text: 'good morning!', loop: null },
  { text: "I'm so tired today", loop: null },
  { text: 'tomorrow is another day', loop: null },
  { text: 'I have 2 cats', loop: null },
  { text: 'I work 9 to 5', loop: null },
  { text: 'call me at 555-0100', loop: null },
  { text: "I'm 25 and live in Chicago", loop: null },
  { text: 'lol 100%', loop: null },
  { text: 'What time is it in Tokyo?', loop: null },
  { text: 'It was 2 years ago', loop: null },
  { text: "it's been 3 days since I slept", loop: null },
  { text: 'haha I was born in 1999', loop: null },
  { text: 'can you remind me about the dentist', loop: null },
  { text: 'I finished the book you suggested', loop: null },
  // the morning is over at 10:00
  { text: 'my exam is this morning', loop: null },
  // 23:30 in Chicago: tonight's 21:00 has passed
  { text: 'party tonight', at: '2026-11-24T05:30:00Z', loop: null },
  // beyond the 60-day horizon, by design
  { text: 'my birthday is on March 4', loop: null },

  // knowingly wrong
  {
    text: 'my sister arrives on Thursday',
    loop: null,
    known: {
      reader: 'a plan',
      why: 'no event noun and not a plan of the user’s own: no mention to name it by',
    },
  },
  {
    text: 'moving to Berlin next month',
    loop: null,
    known: { reader: 'a plan', why: 'a month is too vague a time to follow up on, by design' },
  },
  {
    text: "I'm going to study tomorrow",
    loop: null,
    known: { reader: 'a plan', why: 'a verb alone ("study") is not taken as a plan' },
  },
  {
    text: 'exam in a fortnight',
    loop: null,
    known: { reader: 'a plan', why: 'chrono does not know "fortnight"' },
  },
  {
    text: 'we have a family dinner on Christmas Eve',
    loop: null,
    known: { reader: 'a plan', why: 'chrono knows no holidays by name' },
  },
  {
    text: '2 more days until my vacation!',
    loop: null,
    known: { reader: 'a plan', why: 'chrono does not read "2 more days"' },
  },
  {
    text: 'I have an exam on 5/12',
    loop: null,
    known: {
      reader: 'a plan',
      why: 'a writer of day-first dates means 5 December; read month-first it is 12 May, beyond the horizon',
    },
  },
  {
    text: 'my driving lesson is at half past four tomorrow',
    loop: day('2026-11-24', 'your driving lesson'),
    known: { reader: 'another time', why: 'chrono does not read "half past four": taken as the whole day' },
  },
  {
    text: 'I hate meetings on Monday',
    loop: day('2026-11-30', 'your meetings'),
    known: { reader: 'no plan', why: 'an opinion about a day, not an event the user will have' },
  },
  {
    text: 'Tell me a joke about the dentist tomorrow',
    loop: day('2026-11-24', 'your visit to the dentist'),
    known: { reader: 'no plan', why: 'a request to the bot that happens to name a dentist' },
  },
  {
    text: 'got my results back on the 2nd',
    loop: day('2026-12-02', 'your results'),
    known: { reader: 'no plan', why: '"got" is not read as the past (it is also "I\'ve got an exam")' },
  },
];
