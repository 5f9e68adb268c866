/** The languages the reply lexicons cover. */
export type ReplyLanguage = 'en' | 'de' | 'es' | 'fr' | 'pt';

/**
 * One language's cues, as regular-expression sources read on the normalised reply (lower case,
 * accents removed, letters repeated three times or more written once, quoted speech blanked:
 * see normalize-reply.ts). So "Arrête" is written `arrete`, "hör" `hor` (and `hoer`), "stooop"
 * arrives as `stop`. Each cue is matched as a whole word: "now" never matches inside "know".
 */
export interface Lexicon {
  lang: ReplyLanguage;
  /** Asks the character to stop messaging: "stop texting me", "leave me alone", "unsubscribe". */
  stop: readonly string[];
  /**
   * Words that, just before a stop cue, undo it: "don't stop texting me", "can't stop texting
   * you", "my mom told me to stop texting". Matched as the text right before the cue.
   */
  stopNegators: string;
  /**
   * Questions that, up to two words before a stop cue, make it a question about stopping rather
   * than a request: "what does unsubscribe do?", "was heißt abmelden", "si je me désabonne". "How do
   * I unsubscribe" and "can you stop texting me?" ask for the stop and are not listed.
   */
  stopQuestions: readonly string[];
  /** Says the stop is for every character, not only this one: "all of you", "none of you bots". */
  stopAll: readonly string[];
  /** After a stop cue in the same sentence, makes it a complaint about the time: "stop texting me at work". */
  stopTimeQualifiers: readonly string[];
  /** The hour or the situation is wrong: "it's 3am", "I'm at work", "you woke me up". */
  wrongTime: readonly string[];
  /** Irritation with the messages themselves, short of asking to stop: "why do you keep texting me". */
  annoyed: readonly string[];
  /** A polite or busy deferral: "busy, later", "not now", "no thanks". */
  notNow: readonly string[];
  /** Words that, just before a wrong-time, not-now or annoyed cue, undo it: "I'm not busy". */
  negators: string;
  /** Asks the character to go on, which outweighs a wrong time or a deferral: "I'm at work but tell me". */
  invite: readonly string[];
  /** Warmth or interest: laughter, thanks, "tell me more", "don't stop". */
  engaged: readonly string[];
  /** A question about the mechanism, not a request: "what happens if I say stop?". */
  neutral: readonly string[];
  /** Words that lower the polarity of a reply (the engaged cues raise it). */
  negative: readonly string[];
}

/** Cues that need no language: emoji. */
export const EMOJI = {
  engaged: ['❤️', '❤', '😂', '🤣', '🥰', '😍', '😊', '💕', '😘', '🙂', '😄', '😁', '🥺'],
  annoyed: ['🙄', '😒', '😤', '😡', '🤬', '🖕'],
} as const;

/** Words of politeness that may follow a cue that stands alone: "STOP svp", "stopp bitte". */
const POLITE = 'svp|stp|please|pls|plz|bitte|por favor|porfa|xfa|pfv|pf|pfvr';

/**
 * Laughter or a blush after a lone stop makes it play ("arrête, tu me fais rougir 😊"): "ok stop, that's hilarious 😂", "haha, hör auf, ich
 * kann nicht mehr 😂". Laughter before it does not ("lol no. stop.").
 */
const LAUGHTER_AFTER =
  '(?![^]*(?:haha|hehe|lol|lmao|jaja|jeje|kkk|mdr|ptdr|hilarious|funny|rire|risa|lachen|rougir|blush|sonrojar|rot werden|werd rot|werde rot|corar|🙈|😂|🤣|😆|😅|😭|😊|☺|🥰|😳))';

/**
 * A cue of any class matched alone in its sentence, with no laughter after it, perhaps followed by
 * one of the language's adverbs of urgency (`urgent`, as a lone imperative takes them: "vete ya",
 * "dégage maintenant") and a word of politeness: "lol no. stop.", but not "if I say stop" nor
 * "stop it 😂". The adverbs are per language, so that English "now" does not make Portuguese
 * "some" ("some now, some later") a stop. The sentence start is checked behind the cue once it has
 * matched: checked ahead of it, the lookbehind ran at every position and was a third of the cost
 * of a long reply.
 */
export function alone(cue: string, urgent?: string): string {
  const after = urgent === undefined ? '' : String.raw`(?:\s+(?:${urgent}))?`;
  return String.raw`(?:${cue})(?<=(?:^[^\p{L}\p{N}]*|[.!?;:,]\s*)(?:${cue}))(?=${after}(?:\s+(?:${POLITE}))?\s*(?:[.!?,;:]|$)|\s*\p{Extended_Pictographic})${LAUGHTER_AFTER}`;
}
