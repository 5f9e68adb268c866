import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allTemplates, OPENER_REASONS, TONES } from '../domain/compose/template.js';
import { composeRequest, composerContract } from './llm.contract.js';
import { createTemplateComposer } from './template-composer.js';

composerContract(
  'template',
  async () => ({
    composer: createTemplateComposer(),
    prepare: (request) => request.topic?.mention ?? '',
    close: async () => {},
  }),
  { usage: 'none' },
);

const signal = new AbortController().signal;
const composer = createTemplateComposer();
const phrasings = (prefix: string) =>
  allTemplates('your interview')
    .filter((t) => t.id.startsWith(prefix))
    .map((t) => t.text);

describe('createTemplateComposer', () => {
  it('writes the same opener for the same seed, and varies it across seeds', async () => {
    const texts = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const request = composeRequest({ reason: 'silence', recentOpeners: [], seed });
      const first = await composer.compose(request, { signal });
      expect(await composer.compose(request, { signal })).toEqual(first);
      texts.add(first.text);
    }
    expect([...texts].sort()).toEqual(phrasings('silence.warm.topic.').sort());
  });

  it("speaks in the character's tone", async () => {
    const speaker = { ...composeRequest().speaker, tone: 'playful' as const };
    const output = await composer.compose(composeRequest({ speaker }), { signal });
    expect(phrasings('follow_up.playful.topic.')).toContain(output.text);
  });

  it('avoids a phrasing among the recent openers while another remains', async () => {
    const [first, second] = phrasings('silence.warm.topic.');
    for (let seed = 0; seed < 20; seed++) {
      const output = await composer.compose(
        composeRequest({ reason: 'silence', recentOpeners: [first!], seed }),
        {
          signal,
        },
      );
      expect(output.text).toBe(second);
    }
  });

  it('drops the topic for a plain phrasing of the reason when naming it cannot fit', async () => {
    const mention = 'the appointment at the regional immigration office about your residence permit renewal';
    const request = composeRequest({
      reason: 'silence',
      topic: { id: 'loop:permit', kind: 'open_loop', text: 'Permit renewal', mention },
      maxLength: 60,
    });
    const output = await composer.compose(request, { signal });
    expect(output.topicId).toBeNull();
    expect(phrasings('silence.warm.plain.')).toContain(output.text);
  });

  it("keeps the tone with its manual phrasing when the reason's plain ones are too long", async () => {
    const speaker = { ...composeRequest().speaker, tone: 'formal' as const };
    const output = await composer.compose(composeRequest({ reason: 'silence', speaker, maxLength: 30 }), {
      signal,
    });
    expect(output).toEqual({ text: 'Hello. I hope you are well.', topicId: null, usage: null });
  });

  it('stays within any maxLength, naming the topic whenever it claims one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPENER_REASONS),
        fc.constantFrom(...TONES),
        fc.stringMatching(/^[A-Za-z][A-Za-z' ]{0,80}[A-Za-z]$/),
        fc.integer({ min: 1, max: 200 }),
        fc.integer(),
        async (reason, tone, mention, maxLength, seed) => {
          const request = composeRequest({
            reason,
            speaker: { ...composeRequest().speaker, tone },
            topic: { id: 't', kind: 'fact', text: 'x', mention },
            maxLength,
            seed,
          });
          const output = await composer.compose(request, { signal });
          expect(output.text.length).toBeGreaterThan(0);
          expect([...output.text].length).toBeLessThanOrEqual(maxLength);
          if (output.topicId !== null) expect(output.text).toContain(mention);
        },
      ),
    );
  });
});
