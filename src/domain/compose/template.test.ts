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

  it('has several phrasings for check-ins that come often, none of which the guardrails take for a repeat of another', () => {
    const all = allTemplates("Luna's surgery");
    const wanted = { silence: 2, event: 2, webhook: 2, schedule: 3 } as const;
    for (const [reason, count] of Object.entries(wanted))
      for (const tone of TONES)
        for (const kind of ['topic', 'plain']) {
          const set = all.filter((x) => x.id.startsWith(`${reason}.${tone}.${kind}.`));
          expect(set.length, `${reason}.${tone}.${kind}`).toBeGreaterThanOrEqual(count);
          for (const a of set)
            for (const b of set) {
              if (a === b) continue;
              const verdict = checkOpener(a.text, {
                maxLength: 280,
                recentOpeners: [b.text],
                channel: 'private',
                sensitiveTexts: [],
              });
              expect(verdict.violations, `${a.id} after ${b.id}`).toEqual([]);
            }
        }
  });

  it("goes round a trigger's own phrasings once all were used lately, the one used longest ago first", () => {
    const input = { reason: 'schedule' as const, tone: 'calm' as const, topic: null };
    const texts = allTemplates('x')
      .filter((x) => x.id.startsWith('schedule.calm.plain.'))
      .map((x) => x.text);
    // most recent first: the last used longest ago is texts[1]
    const recent = [texts[2]!, texts[0]!, texts[2]!, texts[1]!];
    for (let seed = 0; seed < 10; seed++) {
      const opener = composeFromTemplate({
        ...input,
        random: seededRandom(seed),
        recentOpeners: recent,
        reusableOpeners: recent,
      });
      expect(opener).toMatchObject({ text: texts[1], novelty: 'reused' });
    }
    // one another trigger used is not reused, however long ago
    const ownOnly = recent.filter((t) => t !== texts[1]);
    expect(
      composeFromTemplate({
        ...input,
        random: seededRandom(1),
        recentOpeners: recent,
        reusableOpeners: ownOnly,
      }),
    ).toMatchObject({ text: texts[0], novelty: 'reused' });
    // none its own: a repeat, which the caller knows to avoid
    expect(
      composeFromTemplate({ ...input, random: seededRandom(1), recentOpeners: recent, reusableOpeners: [] })
        .novelty,
    ).toBe('repeated');
    // a phrasing not used lately comes first
    const fresh = composeFromTemplate({
      ...input,
      random: seededRandom(1),
      recentOpeners: texts.slice(1),
      reusableOpeners: texts.slice(1),
    });
    expect(fresh).toMatchObject({ text: texts[0], novelty: 'new' });
  });
});
