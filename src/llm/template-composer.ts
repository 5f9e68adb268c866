import type { ComposeOutput, ComposeRequest } from '../domain/compose/compose-request.js';
import { composeFromTemplate, type TemplateOpener } from '../domain/compose/template.js';
import { renderStepText } from '../domain/funnels/step-message.js';
import { type Random, seededRandom } from '../domain/shared/random.js';
import { type Composer, ComposerError } from '../ports/composer.js';

/**
 * The composer that calls no model: `composeFromTemplate` with the topic's mention in the slot,
 * the character's tone and the request's seed, so one request always gives one opener.
 *
 * @example
 * const { text } = await createTemplateComposer().compose(request, { signal });
 */
export function createTemplateComposer(): Composer {
  return {
    name: 'template',
    async compose(request: ComposeRequest, options: { signal: AbortSignal }): Promise<ComposeOutput> {
      if (options.signal.aborted) throw new ComposerError('aborted', 'the call was cancelled');
      const opener =
        request.script !== null
          ? scripted(request, request.script)
          : openerWithin(request, seededRandom(request.seed));
      return { text: opener.text, topicId: opener.topicId, usage: null };
    },
  };
}

/**
 * The first opener that fits `maxLength` and is new or the trigger's own to say again (the
 * request's `reusableOpeners`), trying in turn: the reason's phrasings naming the topic, the
 * reason's plain phrasings (the topic is dropped, since naming it cannot fit or was said by
 * another trigger lately), the tone's `manual` plain phrasings (they give no reason, so they suit
 * any), and last a bare "Hi!". A long mention thus costs the topic, never the limit or the tone,
 * and a check-in whose phrasings another trigger used lately says hello instead. Within a step,
 * phrasings that do not fit are passed to the template as if used recently, so it picks another
 * by the same seed; when it returns one already refused, the step has none left. When every
 * step's phrasings were used by others, the first that fits is returned, for the guardrails to refuse.
 */
function openerWithin(request: ComposeRequest, random: Random): { text: string; topicId: string | null } {
  const topic = request.topic === null ? null : { id: request.topic.id, mention: request.topic.mention };
  const steps: { reason: ComposeRequest['reason']; topic: typeof topic }[] = [
    { reason: request.reason, topic },
    { reason: request.reason, topic: null },
    { reason: 'manual', topic: null },
  ];
  let repeated: TemplateOpener | undefined;
  for (const step of steps) {
    const refused = new Set<string>();
    for (;;) {
      const opener: TemplateOpener = composeFromTemplate({
        reason: step.reason,
        tone: request.speaker.tone,
        topic: step.topic,
        random,
        recentOpeners: [...request.recentOpeners, ...refused],
        reusableOpeners: request.reusableOpeners.filter((o) => !refused.has(o)),
      });
      if (fits(opener.text, request.maxLength)) {
        if (opener.novelty !== 'repeated') return opener;
        repeated ??= opener;
        break;
      }
      if (refused.has(opener.text)) break;
      refused.add(opener.text);
    }
  }
  if (repeated) return repeated;
  // Only a limit under every phrasing (the shortest, "Hello. How are you?", has 19) gets here.
  return { text: [...'Hi!'].slice(0, Math.max(1, request.maxLength)).join(''), topicId: null };
}

/** A funnel step's script with its slots filled: about the topic when it names it. */
function scripted(request: ComposeRequest, script: string): { text: string; topicId: string | null } {
  const text = renderStepText(script, {
    topic: request.topic?.mention ?? null,
    character: request.speaker.name,
  });
  return { text, topicId: script.includes('{topic}') ? (request.topic?.id ?? null) : null };
}

/** Length as the guardrails count it: code points of the trimmed text. */
function fits(text: string, maxLength: number): boolean {
  return [...text.trim()].length <= maxLength;
}
