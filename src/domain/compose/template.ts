import type { Random } from '../shared/random.js';
import { openerKey } from './repetition.js';

/** How a character sounds; from its persona settings (`voice.tone`). */
export const TONES = ['warm', 'playful', 'calm', 'formal'] as const;
export type Tone = (typeof TONES)[number];

/** Why the opener is sent: the kind of trigger that fired. */
export const OPENER_REASONS = [
  'silence',
  'active_now',
  'schedule',
  'event',
  'webhook',
  'follow_up',
  'manual',
] as const;
export type OpenerReason = (typeof OPENER_REASONS)[number];

interface TemplateInput {
  reason: OpenerReason;
  tone: Tone;
  /**
   * The chosen topic, if any: `mention` is how the opener names it ("your interview", "Luna's
   * surgery"), written by whoever chose it.
   */
  topic: { id: string; mention: string } | null;
  /** Picks among a reason's phrasings, repeatably for one seed. */
  random: Random;
  /** Phrasings already used in the user's recent openers are avoided while others remain. */
  recentOpeners?: readonly string[];
  /**
   * Recent openers that may be said again (the trigger's own), most recent first: when every
   * phrasing was used recently, the one of these used longest ago.
   */
  reusableOpeners?: readonly string[];
}

export interface TemplateOpener {
  text: string;
  /** The topic the opener is about, or null. */
  topicId: string | null;
  /** Which phrasing was used, for the record: `<reason>.<tone>.<topic|plain>.<n>`. */
  templateId: string;
  /** Not used recently; used recently, but only by the trigger itself; or used by another. */
  novelty: 'new' | 'reused' | 'repeated';
}

type Phrasings = { topic: readonly string[]; plain: readonly string[] };

/**
 * Phrasings by reason and tone; `{t}` is the topic's mention. Every one is an open question or
 * an invitation, never pressure: they pass the guardrails (a test holds every one to them).
 */
const TEMPLATES: Record<OpenerReason, Record<Tone, Phrasings>> = {
  silence: {
    warm: {
      topic: [
        'Hey! I was just thinking about {t}. How is it going?',
        'Hi, it has been a little while. How are things with {t}?',
      ],
      plain: [
        'Hey! It has been a little while. How have you been?',
        'Hi! I was thinking of you. How is your week going?',
      ],
    },
    playful: {
      topic: ['Knock knock! Any news about {t}?', 'Quick check-in: how is {t} treating you?'],
      plain: ['Knock knock! What have you been up to?', 'Quick check-in: what is new in your world?'],
    },
    calm: {
      topic: ['Hello. I have been wondering how {t} is going.', 'Hi. How are things with {t} lately?'],
      plain: ['Hello. How have you been lately?', 'Hi. How are things with you these days?'],
    },
    formal: {
      topic: [
        'Hello. I hope you are well. How are matters with {t}?',
        'Good day. May I ask how {t} is progressing?',
      ],
      plain: ['Hello. I hope you are well. How have things been?', 'Good day. I hope all is well with you.'],
    },
  },
  active_now: {
    warm: {
      topic: ['Hi! Got a minute? I would love to hear how {t} is going.'],
      plain: ['Hi! Got a minute? I would love to hear about your day.'],
    },
    playful: {
      topic: ['Psst, got a minute? Tell me everything about {t}!'],
      plain: ['Psst, got a minute? Tell me something good about your day!'],
    },
    calm: {
      topic: ['Hello. If you have a moment, how is {t} going?'],
      plain: ['Hello. If you have a moment, how is your day?'],
    },
    formal: {
      topic: ['Hello. If you have a moment, I would be glad to hear about {t}.'],
      plain: ['Hello. If you have a moment, I would be glad to hear how you are.'],
    },
  },
  // a schedule recurs (every weekday, every week): three phrasings each, which it goes round
  schedule: {
    warm: {
      topic: [
        'Hi! Time for our check-in. How is {t} coming along?',
        'Hey! Our regular catch-up: any news on {t}?',
        'Hi there! Checking in as promised. Where are you with {t}?',
      ],
      plain: [
        'Hi! Time for our check-in. How are you doing?',
        'Hey! Our regular catch-up: what is on your mind today?',
        'Hi there! Checking in as promised. How are things going?',
      ],
    },
    playful: {
      topic: [
        'Check-in time! How is {t} going?',
        'Ding ding! Catch-up time. What is the latest on {t}?',
        'Guess what time it is? Tell me all about {t}!',
      ],
      plain: [
        'Check-in time! What is on your plate today?',
        'Ding ding! Catch-up time. What is new with you?',
        'Guess what time it is? Tell me one good thing from your day!',
      ],
    },
    calm: {
      topic: [
        'Hello. Our usual check-in: how is {t}?',
        'Hi. Time for our regular catch-up. How are things with {t}?',
        'Hello again. Where do things stand with {t}?',
      ],
      plain: [
        'Hello. Our usual check-in: how are you?',
        'Hi. Time for our regular catch-up. How are things?',
        'Hello again. How has your day been so far?',
      ],
    },
    formal: {
      topic: [
        'Good day. For our scheduled check-in: how is {t} progressing?',
        'Hello. As arranged, I am checking in. How is {t}?',
        'Greetings. May I ask where things stand with {t}?',
      ],
      plain: [
        'Good day. For our scheduled check-in: how are things?',
        'Hello. As arranged, I am checking in. How are you?',
        'Greetings. May I ask how things stand with you?',
      ],
    },
  },
  event: {
    warm: {
      topic: [
        'Hi! I saw the news about {t}. How do you feel about it?',
        'Hey, {t} crossed my mind just now. What do you make of it?',
      ],
      plain: [
        'Hi! Something came up and I thought of you. How are you?',
        'Hey, you popped into my head today. Anything new with you?',
      ],
    },
    playful: {
      topic: ['Ooh, news about {t}! What do you think?', 'Psst, {t} is on my radar. Tell me everything?'],
      plain: [
        'Ooh, something happened and I thought of you. How are you?',
        'Psst! Guess who was on my mind? Tell me your news!',
      ],
    },
    calm: {
      topic: [
        'Hello. I noticed something about {t}. How are you finding it?',
        'Hi there. {t} came to mind. Would you like to share how it is going?',
      ],
      plain: [
        'Hello. I thought of you just now. How are you?',
        'Hi there. Would you like to share your day with me?',
      ],
    },
    formal: {
      topic: [
        'Hello. I noticed an update regarding {t}. How are you finding it?',
        'Good day. May I ask for your thoughts on {t}?',
      ],
      plain: ['Hello. I hope all is well. How are you?', 'Good day. May I ask what is new on your side?'],
    },
  },
  webhook: {
    warm: {
      topic: [
        'Hi! There is an update about {t}. Want to talk about it?',
        'Hey, news just arrived on {t}. Shall we look at it together?',
      ],
      plain: [
        'Hi! Something came up. Do you have a moment to talk?',
        'Hey, I just heard something new. Free for a quick chat?',
      ],
    },
    playful: {
      topic: ['Heads up: there is news about {t}! Want to chat?', 'Breaking: fresh word on {t}! Curious?'],
      plain: ['Heads up: something came up! Want to chat?', 'Breaking news, sort of! Got a minute for me?'],
    },
    calm: {
      topic: [
        'Hello. There is an update about {t}, if you want to talk.',
        'Hi there. Something new arrived on {t}; no rush to look.',
      ],
      plain: [
        'Hello. Something came up, if you have a moment.',
        'Hi there. I have news whenever you are free.',
      ],
    },
    formal: {
      topic: [
        'Hello. There is an update regarding {t}. Shall we discuss it?',
        'Good day. New information on {t} has arrived; may I share it?',
      ],
      plain: [
        'Hello. Something has come up. Do you have a moment?',
        'Good day. May I share some news with you?',
      ],
    },
  },
  follow_up: {
    warm: {
      topic: ['Hi! How did {t} go?', 'Hey, I remembered {t}. How did it go?'],
      plain: ['Hi! How did it all go?'],
    },
    playful: {
      topic: ['So?! How did {t} go?', 'Drumroll please: how did {t} go?'],
      plain: ['So?! How did it go?'],
    },
    calm: { topic: ['Hello. How did {t} go?'], plain: ['Hello. How did it go?'] },
    formal: { topic: ['Hello. May I ask how {t} went?'], plain: ['Hello. May I ask how it went?'] },
  },
  manual: {
    warm: {
      topic: ['Hi! I wanted to ask about {t}. How is it going?'],
      plain: ['Hi! I wanted to say hello. How are you?'],
    },
    playful: { topic: ['Hey you! What is the latest on {t}?'], plain: ['Hey you! What is new?'] },
    calm: { topic: ['Hello. How is {t} going?'], plain: ['Hello. How are you?'] },
    formal: { topic: ['Hello. I wished to ask about {t}.'], plain: ['Hello. I hope you are well.'] },
  },
};

/**
 * A deterministic opener for a reason, in a tone: about the topic when there is one (its mention
 * is always in the text), else a plain one. Among a reason's phrasings, one not used in the
 * user's recent openers is picked by the seed; when all were, the reusable one used longest ago
 * (a recurring check-in goes round its phrasings); when none is reusable, any.
 */
export function composeFromTemplate(input: TemplateInput): TemplateOpener {
  const set = TEMPLATES[input.reason][input.tone];
  const withTopic = input.topic !== null && input.topic.mention.trim().length > 0;
  const phrasings = withTopic ? set.topic : set.plain;
  const mention = withTopic ? input.topic!.mention.trim() : '';
  const texts = phrasings.map((p) => p.replaceAll('{t}', mention));
  const recent = new Set((input.recentOpeners ?? []).map(openerKey));
  const fresh = texts.map((_, i) => i).filter((i) => !recent.has(openerKey(texts[i]!)));
  const pick = (pool: number[]) => pool[Math.min(pool.length - 1, Math.floor(input.random() * pool.length))]!;
  const opener = (index: number, novelty: TemplateOpener['novelty']): TemplateOpener => ({
    text: texts[index]!,
    topicId: withTopic ? input.topic!.id : null,
    templateId: `${input.reason}.${input.tone}.${withTopic ? 'topic' : 'plain'}.${index}`,
    novelty,
  });
  if (fresh.length > 0) return opener(pick(fresh), 'new');
  const reusable = (input.reusableOpeners ?? []).map(openerKey);
  let oldest = -1;
  let oldestAt = -1;
  texts.forEach((text, i) => {
    const at = reusable.indexOf(openerKey(text));
    if (at > oldestAt) [oldest, oldestAt] = [i, at];
  });
  if (oldest >= 0) return opener(oldest, 'reused');
  return opener(pick(texts.map((_, i) => i)), 'repeated');
}

/** Every phrasing with its slot filled by `mention`: what the guardrails test walks. */
export function allTemplates(mention: string): { id: string; text: string }[] {
  const out: { id: string; text: string }[] = [];
  for (const [reason, tones] of Object.entries(TEMPLATES))
    for (const [tone, set] of Object.entries(tones))
      for (const [kind, list] of Object.entries(set))
        list.forEach((p: string, i: number) => {
          out.push({ id: `${reason}.${tone}.${kind}.${i}`, text: p.replaceAll('{t}', mention) });
        });
  return out;
}
