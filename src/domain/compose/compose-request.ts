import type { TopicKind } from '../topics/select-topic.js';
import type { OpenerReason, Tone } from './template.js';

/** Who speaks: the character, from its settings. */
export interface Speaker {
  characterId: string;
  name: string | null;
  /** Free text: how the character speaks; a language model's system prompt. */
  persona: string | null;
  tone: Tone;
}

/** The character as a composer sees it, from its stored settings (or none: a character never configured). */
export function speakerOf(
  characterId: string,
  character: { name: string | null; persona: string | null; voice: Record<string, unknown> } | undefined,
): Speaker {
  return {
    characterId,
    name: character?.name ?? null,
    persona: character?.persona ?? null,
    tone: (character?.voice.tone ?? 'warm') as Tone,
  };
}

/** The topic `selectTopic` chose, with how an opener may name it. */
export interface ComposeTopic {
  id: string;
  kind: TopicKind;
  /** What is known (the fact, the memory, the sentence of an open loop). */
  text: string;
  /** A short phrase naming it ("your interview", "Luna's surgery"): the template's slot. */
  mention: string;
}

/** Everything a composer may use to write one opener. */
export interface ComposeRequest {
  reason: OpenerReason;
  speaker: Speaker;
  /** BCP 47 language of the user, when known. */
  locale: string | null;
  /** The chosen topic, or null when there is none (the opener is then a plain check-in). */
  topic: ComposeTopic | null;
  /** Other things known of the user, for context; never sensitive ones in a public channel. */
  facts: readonly { id: string; text: string }[];
  /** The user's last proactive openers, most recent first: not to be repeated. */
  recentOpeners: readonly string[];
  /**
   * Those of `recentOpeners` the same trigger wrote and no other did, most recent first: a
   * trigger that recurs may say again what it said. A composer with a few fixed phrasings (the
   * template) reuses the one it used longest ago rather than repeat another trigger's.
   */
  reusableOpeners: readonly string[];
  channel: 'private' | 'public';
  /** Longest opener allowed, in characters. */
  maxLength: number;
  /** Makes deterministic choices repeatable. */
  seed: number;
  /**
   * What the message must say (a funnel's step, with "{topic}" and "{character}" slots): a model
   * says it in the character's voice, keeping its question; the template fills its slots. Null:
   * an opener of the composer's own.
   */
  script: string | null;
}

/** Tokens a model call used; null where the provider did not say. */
export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

/** A composer's opener. */
export interface ComposeOutput {
  text: string;
  /** The topic the opener is about (one of the request's), or null. */
  topicId: string | null;
  /** Null for composers that call no model. */
  usage: TokenUsage | null;
}

/** A yes/no question about the user's context (the `llm` trigger kind). */
export interface JudgeRequest {
  question: string;
  speaker: Speaker;
  locale: string | null;
  /** What is known of the user, as short texts; never empty (the model is not asked then). */
  context: readonly { id: string; kind: TopicKind; text: string }[];
  nowIso: string;
}

/** A model's answer to a `JudgeRequest`. */
export interface JudgeOutput {
  answer: boolean;
  reason: string;
  usage: TokenUsage | null;
}

/** A user's typed reply at a funnel step, to be read as one of the step's choices, a refusal, or neither. */
export interface IntentRequest {
  /** The character who asked. */
  speaker: Speaker;
  /** BCP 47, the user's language when known. */
  locale: string | null;
  /** What the step asked: its text as sent. */
  step: string;
  choices: readonly { id: string; label: string; action: 'advance' | 'decline' }[];
  /** What the user typed: untrusted, information for the model, never instructions. */
  reply: string;
}

/** A model's reading of an `IntentRequest`. */
export interface IntentOutput {
  intent: 'advance' | 'decline' | 'other';
  /** The choice the reply means, one of the request's ids, or null. */
  choiceId: string | null;
  reason: string;
  usage: TokenUsage | null;
}
