import { normalizeReply } from '../outcomes/normalize-reply.js';
import { classifyReply } from '../outcomes/reply-meaning.js';
import type { FunnelStep, StepIntent } from './funnel.js';
import { containsWords } from './words.js';

/** Yes, in the five languages of the reply lexicons, as whole words of the normalised reply. */
const YES =
  /(?<![\p{L}\p{N}])(?:yes|yeah|yep|yup|sure|ok|okay|go ahead|let'?s do it|let'?s go|sounds good|please do|of course|absolutely|ja|klar|gerne|los geht'?s|na klar|claro|dale|vale|por supuesto|oui|ouais|d'accord|vas-y|carrement|sim|bora|pode ser|beleza)(?![\p{L}\p{N}])/u;
/** "Sí" loses its accent and becomes "si" ("if"): a yes only alone or before a comma or a stop. */
const SI = /^\s*si(?=\s*(?:[,.!]|$))/u;
/** A bare no, as the whole reply: "no", "nope", "nein", "non", "não", perhaps with thanks. */
const BARE_NO =
  /^\s*(?:no|nope|nah|nein|non|nao)(?:\s*,?\s*(?:thanks|thank you|danke|gracias|merci|obrigad[oa]))?\s*[.!]*\s*$/u;

/**
 * Reads a typed reply at a step, the same way a button would be read. Refusals come first: what
 * the reply classifier reads as a stop, a deferral, annoyance or a wrong time ("not now, maybe
 * later"), a bare "no", or one of the step's decline words. Then a choice named by its label, the
 * step's advance words or a plain yes ("yeah go ahead"). Every word matches on word boundaries
 * after case, accents and apostrophes are normalised, so "now", "know" and "north" are not "no".
 */
export function readReplyAtStep(step: FunnelStep, text: string): StepIntent {
  const meaning = classifyReply(text);
  if (meaning.meaning !== 'engaged' && meaning.meaning !== 'neutral')
    return { intent: 'decline', cue: meaning.cue ?? meaning.meaning };
  const t = normalizeReply(text);
  if (BARE_NO.test(t)) return { intent: 'decline', cue: 'no' };
  const declined = firstWord(step.intents.decline, t);
  if (declined !== null) return { intent: 'decline', cue: declined };
  for (const choice of step.choices)
    if (containsWords(t, normalizeReply(choice.label)))
      return choice.action === 'decline'
        ? { intent: 'decline', cue: `choice:${choice.choiceId}` }
        : { intent: 'advance', choiceId: choice.choiceId, cue: `choice:${choice.choiceId}` };
  const advanced = firstWord(step.intents.advance, t) ?? YES.exec(t)?.[0] ?? (SI.test(t) ? 'si' : null);
  if (advanced === null) return { intent: 'other' };
  const advances = step.choices.filter((c) => c.action === 'advance');
  return { intent: 'advance', choiceId: advances.length === 1 ? advances[0]!.choiceId : null, cue: advanced };
}

function firstWord(words: readonly string[], t: string): string | null {
  for (const word of words) if (containsWords(t, normalizeReply(word))) return word;
  return null;
}

/**
 * The language model's reading of a reply as the state machine takes it: a choice it names, or a
 * plain yes (the step's only advance button, when it has one), a refusal, or neither.
 */
export function intentOfModel(
  step: FunnelStep,
  read: { intent: 'advance' | 'decline' | 'other'; choiceId: string | null },
): StepIntent {
  if (read.intent === 'other') return { intent: 'other' };
  if (read.intent === 'decline')
    return { intent: 'decline', cue: read.choiceId ? `model:choice:${read.choiceId}` : 'model' };
  const advances = step.choices.filter((c) => c.action === 'advance');
  const choiceId = read.choiceId ?? (advances.length === 1 ? advances[0]!.choiceId : null);
  return { intent: 'advance', choiceId, cue: read.choiceId ? `model:choice:${read.choiceId}` : 'model' };
}
