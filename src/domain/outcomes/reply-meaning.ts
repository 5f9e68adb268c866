import { type Cue, countCues, nextCue } from './lexicon/compile.js';
import { normalizeReply } from './normalize-reply.js';
import { CUES, EMOJI_ANNOYED, EMOJI_ENGAGED, STOP_QUESTION, STOP_TIME_QUALIFIER } from './reply-cues.js';

/** What a reply to a proactive message means, from the warmest to the firmest refusal. */
export const REPLY_MEANINGS = ['engaged', 'neutral', 'not_now', 'wrong_time', 'annoyed', 'stop'] as const;
export type Meaning = (typeof REPLY_MEANINGS)[number];

/** The meaning of one reply, with the cue that decided it for the decision trace. */
export interface ReplyMeaning {
  meaning: Meaning;
  /** For `stop` only: `all` when the reply addresses every character ("none of you bots text me again"). */
  scope?: 'character' | 'all';
  /**
   * `<meaning>:<lang>:<matched text>` ("stop:en:stop messaging me"), `engaged:length` for a longer
   * reply with no cue, or null for the default (neutral).
   */
  cue: string | null;
  /** Rough sentiment from -1 to 1: the meaning's tone, moved by warm and negative words. */
  polarity: number;
}

/** A reply of this many words or more, with no cue, carries on the conversation. */
const ENGAGED_WORDS = 5;
/** Where each meaning puts the polarity before the words move it (by up to half either way). */
const TONE: Record<Meaning, number> = {
  engaged: 0.5,
  neutral: 0,
  not_now: -0.2,
  wrong_time: -0.3,
  annoyed: -0.6,
  stop: -0.8,
};

/**
 * Classifies a reply with rules and lexicons in English, German, Spanish, French and Portuguese,
 * deterministically. The firmest meaning wins: a stop anywhere makes the reply a stop ("haha ok
 * but seriously stop texting me"), unless it is negated ("don't stop"), said of someone else ("my
 * ex needs to stop texting me"), quoted, asked about ("what does unsubscribe do?" is neutral), or
 * limited to a time ("stop texting me at work" is wrong_time). Then a wrong time, annoyance and a deferral, in
 * that order, except that an invitation to go on ("I'm at work but tell me") makes a wrong time
 * or a deferral engaged. Without any of these, warm cues or five words or more make it engaged,
 * and the rest is neutral.
 *
 * @example classifyReply('stop messaging me, all of you') // { meaning: 'stop', scope: 'all', cue: 'stop:en:stop messaging me', ... }
 */
export function classifyReply(text: string): ReplyMeaning {
  const t = normalizeReply(text);
  let timed: Cue | null = null;
  let asked: Cue | null = null;
  for (let m = nextCue(CUES.stop, t); m !== null; m = nextCue(CUES.stop, t, Math.max(m.end, m.index + 1))) {
    STOP_QUESTION.lastIndex = m.index;
    if (STOP_QUESTION.test(t)) {
      asked ??= m;
      continue;
    }
    STOP_TIME_QUALIFIER.lastIndex = m.end;
    if (!STOP_TIME_QUALIFIER.test(t)) {
      const scope = nextCue(CUES.stopAll, t) === null ? 'character' : 'all';
      return { meaning: 'stop', scope, cue: cueOf('stop', m), polarity: polarityOf(t, 'stop') };
    }
    timed ??= m;
  }
  const wrongTime = timed ?? nextCue(CUES.wrongTime, t);
  const notNow = nextCue(CUES.notNow, t);
  if (wrongTime !== null || notNow !== null) {
    const invite = nextCue(CUES.invite, t);
    if (invite !== null) return decided('engaged', invite, t);
  }
  if (wrongTime !== null) return decided('wrong_time', wrongTime, t);
  const annoyed = nextCue(CUES.annoyed, t);
  if (annoyed !== null) return decided('annoyed', annoyed, t);
  if (EMOJI_ANNOYED.test(t))
    return { meaning: 'annoyed', cue: 'annoyed:emoji', polarity: polarityOf(t, 'annoyed') };
  if (notNow !== null) return decided('not_now', notNow, t);
  const neutral = nextCue(CUES.neutral, t);
  if (neutral !== null) return decided('neutral', neutral, t);
  if (asked !== null) return decided('neutral', asked, t);
  const engaged = nextCue(CUES.engaged, t) ?? nextCue(CUES.invite, t);
  if (engaged !== null) return decided('engaged', engaged, t);
  EMOJI_ENGAGED.lastIndex = 0;
  if (EMOJI_ENGAGED.test(t))
    return { meaning: 'engaged', cue: 'engaged:emoji', polarity: polarityOf(t, 'engaged') };
  if (wordCount(t) >= ENGAGED_WORDS)
    return { meaning: 'engaged', cue: 'engaged:length', polarity: polarityOf(t, 'engaged') };
  return { meaning: 'neutral', cue: null, polarity: polarityOf(t, 'neutral') };
}

function decided(meaning: Meaning, m: Cue, t: string): ReplyMeaning {
  return { meaning, cue: cueOf(meaning, m), polarity: polarityOf(t, meaning) };
}

function cueOf(meaning: Meaning, m: Cue): string {
  return `${meaning}:${m.lang}:${m.text.trim()}`;
}

function count(regex: RegExp, t: string): number {
  regex.lastIndex = 0;
  let n = 0;
  while (regex.exec(t) !== null) n++;
  return n;
}

/** The meaning's tone, moved by up to half either way by the balance of warm and negative words. */
function polarityOf(t: string, meaning: Meaning): number {
  const warm = countCues(CUES.engaged, t) + count(EMOJI_ENGAGED, t);
  const cold = countCues(CUES.negative, t);
  const p = TONE[meaning] + (0.5 * (warm - cold)) / (warm + cold + 1);
  return Math.round(Math.max(-1, Math.min(1, p)) * 100) / 100;
}

function wordCount(t: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < t.length; i++) {
    const space = t.charCodeAt(i) <= 32;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
