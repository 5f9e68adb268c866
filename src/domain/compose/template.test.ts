import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/random.js';
import { checkOpener } from './guardrails.js';
import { allTemplates, composeFromTemplate, OPENER_REASONS, TONES } from './template.js';

describe('composeFromTemplate', () => {
  it('follows up an open loop by naming it', () => {
    const opener = composeFromTemplate({
      reason: 'follow_up',
      tone: 'warm',
      topic: { id: 'loop:interview', mention: 'your interview' },
      random: seededRandom(1),
    });
    expect(opener.text).toMatch(/your interview/);
    expect(opener.text).toMatch(/\?$/);
    expect(opener).toMatchObject({
      topicId: 'loop:interview',
      templateId: expect.stringMatching(/^follow_up\.warm\.topic\./),
    });
  });

  it('writes a plain opener when there is no topic, or only a blank mention', () => {
    for (const topic of [null, { id: 'x', mention: '  ' }]) {
      const opener = composeFromTemplate({ reason: 'silence', tone: 'calm', topic, random: seededRandom(2) });
      expect(opener.topicId).toBeNull();
      expect(opener.templateId).toMatch(/^silence\.calm\.plain\./);
      expect(opener.text).not.toContain('{t}');
    }
  });

  it('always names the topic, for every reason, tone and seed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPENER_REASONS),
        fc.constantFrom(...TONES),
        fc.stringMatching(/^[A-Za-z][A-Za-z' ]{0,40}[A-Za-z]$/),
        fc.integer(),
        (reason, tone, mention, seed) => {
          const opener = composeFromTemplate({
            reason,
            tone,
            topic: { id: 't', mention },
            random: seededRandom(seed),
          });
          expect(opener.text).toContain(mention);
          expect(opener.topicId).toBe('t');
        },
      ),
    );
  });

  it('is the same for the same seed, and avoids a phrasing used recently while another remains', () => {
    const input = { reason: 'silence' as const, tone: 'warm' as const, topic: null };
    const a = composeFromTemplate({ ...input, random: seededRandom(5) });
    expect(composeFromTemplate({ ...input, random: seededRandom(5) })).toEqual(a);
    for (let seed = 0; seed < 20; seed++) {
      const next = composeFromTemplate({ ...input, random: seededRandom(seed), recentOpeners: [a.text] });
      expect(next.text).not.toBe(a.text);
    }
  });

  it('passes the guardrails with every phrasing', () => {
    for (const { id, text } of allTemplates("Luna's surgery")) {
      const verdict = checkOpener(text, {
        maxLength: 280,
        recentOpeners: [],
        channel: 'private',
        sensitiveTexts: [],
      });
      expect(verdict.violations, id).toEqual([]);
      expect(text, id).not.toContain('{t}');
    }
    expect(allTemplates('x').length).toBeGreaterThanOrEqual(OPENER_REASONS.length * TONES.length * 2);
  });

  it('has a second phrasing for check-ins that come often, which the guardrails do not take for a repeat of the first', () => {
    const all = allTemplates("Luna's surgery");
    for (const reason of ['silence', 'event', 'webhook'] as const)
      for (const tone of TONES)
        for (const kind of ['topic', 'plain']) {
          const [first, second] = [0, 1].map((i) =>
            all.find((x) => x.id === `${reason}.${tone}.${kind}.${i}`),
          );
          expect(second, `${reason}.${tone}.${kind}`).toBeDefined();
          const verdict = checkOpener(second!.text, {
            maxLength: 280,
            recentOpeners: [first!.text],
            channel: 'private',
            sensitiveTexts: [],
          });
          expect(verdict.violations, second!.id).toEqual([]);
        }
  });
});
