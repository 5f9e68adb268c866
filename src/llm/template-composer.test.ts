import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDraft, readContext } from '../domain/compose/draft-plan.js';
import type { DraftResult, DraftState, DraftStep, RecentOpener } from '../domain/compose/draft-step.js';
import { checkOpener } from '../domain/compose/guardrails.js';
import { readTemplateOpener } from '../domain/compose/opener-choice.js';
import { allTemplates, OPENER_REASONS, TONES, type Tone } from '../domain/compose/template.js';
import type { TopicCandidate } from '../domain/topics/select-topic.js';
import type { Trigger, TriggerSpec } from '../domain/triggers/trigger.js';
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

  it('says hello in its tone rather than repeat a phrasing another trigger used lately', async () => {
    const taken = phrasings('schedule.calm.plain.');
    const speaker = { ...composeRequest().speaker, tone: 'calm' as const };
    for (let seed = 0; seed < 10; seed++) {
      const request = composeRequest({
        reason: 'schedule',
        speaker,
        topic: null,
        recentOpeners: taken,
        reusableOpeners: [],
        seed,
      });
      expect((await composer.compose(request, { signal })).text).toBe('Hello. How are you?');
    }
  });
});

describe('the template for triggers that recur', () => {
  const NOW = Date.parse('2026-11-23T12:00:00Z');
  const trigger = (id: string, spec: TriggerSpec): Trigger => ({
    id,
    name: id,
    spec,
    enabled: true,
    characterIds: null,
    approval: 'auto',
    priority: 0,
    cooldownMinutes: 0,
    caps: { perDay: null, perWeek: null },
    expiryMinutes: 180,
    atGoodTime: false,
    enabledAtMs: 0,
    minEngagement: null,
    holdout: { probability: 0, unit: 'user' },
    funnel: null,
  });
  const weekdays = { kind: 'schedule', rule: { cron: '0 9 * * 1-5' }, zone: { kind: 'user' } } as const;
  const fridays = { kind: 'schedule', rule: { cron: '0 17 * * 5' }, zone: { kind: 'user' } } as const;
  // the built-in triggers that need no topic: two of them schedules, which share their phrasings
  const BUILTINS = [
    trigger('daily-standup', weekdays),
    trigger('weekly-review', fridays),
    trigger('idle-check-in', { kind: 'silence', afterHours: 24 }),
    trigger('webhook-alert', { kind: 'webhook' }),
  ];
  const tea: TopicCandidate = {
    id: 'fact:tea',
    kind: 'fact',
    text: 'She likes green tea',
    mention: 'green tea',
    salience: 0.5,
    atMs: NOW - 86_400_000,
    sensitive: false,
    characterId: null,
  };

  /** One opener written as the drafter does, by the template alone. */
  async function draft(
    n: number,
    fired: Trigger,
    tone: Tone,
    recent: RecentOpener[],
    known: TopicCandidate[],
  ) {
    const state: DraftState = {
      suggestionId: `s${n}`,
      characterId: tone,
      occasionKey: `k${n}`,
      approval: 'auto',
      expiresAtMs: NOW + 3_600_000,
      trigger: fired,
      speaker: { characterId: tone, name: null, persona: null, tone },
      locale: null,
      audience: 'private',
      recentOpeners: recent.slice(0, 5),
      model: null,
      modelProblem: null,
      followedLoop: null,
      funnel: null,
    };
    const load = planDraft(state, NOW);
    if (load.action !== 'load_context') throw new Error(load.action);
    let step: DraftStep = readContext(load, { candidates: known, source: 'builtin' });
    while (step.action === 'template')
      step = readTemplateOpener(step, await composer.compose(step.request, { signal }));
    if (step.action !== 'end') throw new Error(step.action);
    return step.result;
  }

  it('always has an opener, in any order they fire, and never one another trigger said lately', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            fired: fc.constantFrom(...BUILTINS),
            tone: fc.constantFrom(...TONES),
            known: fc.constantFrom<TopicCandidate[]>([], [], [tea]),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (fires) => {
          const recent: RecentOpener[] = [];
          for (const [n, { fired, tone, known }] of fires.entries()) {
            const result: DraftResult = await draft(n, fired, tone, recent, known);
            expect(result, JSON.stringify({ n, recent })).toMatchObject({ status: 'approved' });
            const others = recent.slice(0, 5).filter((r) => r.triggerId !== fired.id);
            const check = checkOpener(result.text!, {
              maxLength: 300,
              recentOpeners: others.map((r) => r.text),
              channel: 'private',
              sensitiveTexts: [],
            });
            expect(check.violations).toEqual([]);
            recent.unshift({ text: result.text!, topicId: result.topic?.id ?? null, triggerId: fired.id });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
