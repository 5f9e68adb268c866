import { describe, expect, it } from 'vitest';
import type { TopicCandidate } from '../topics/select-topic.js';
import type { Trigger } from '../triggers/trigger.js';
import type { ComposeOutput } from './compose-request.js';
import { planDraft, readContext } from './draft-plan.js';
import type { AskModel, AskTemplate, DraftState, DraftStep } from './draft-step.js';
import { readModelOpener, readTemplateOpener, TEMPLATE_TRIES } from './opener-choice.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const SISTER: TopicCandidate = {
  id: 'fact:sister',
  kind: 'fact',
  text: 'Her sister Luna has surgery',
  mention: "your sister's surgery",
  salience: 0.9,
  atMs: NOW - DAY,
  sensitive: false,
  characterId: null,
};
const TEA: TopicCandidate = {
  ...SISTER,
  id: 'fact:tea',
  text: 'She likes green tea',
  mention: 'green tea',
  salience: 0.2,
};

const STANDUP: Trigger = {
  id: 'daily-standup',
  name: 'Stand-up',
  spec: { kind: 'schedule', rule: { cron: '0 9 * * 1-5' }, zone: { kind: 'user' } },
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
};

const state = (over: Partial<DraftState> = {}): DraftState => ({
  suggestionId: 's1',
  characterId: 'luna',
  occasionKey: 'event:e1',
  approval: 'auto',
  expiresAtMs: NOW + DAY,
  trigger: null,
  speaker: { characterId: 'luna', name: 'Luna', persona: null, tone: 'warm' },
  audience: 'private',
  locale: null,
  recentOpeners: [
    { text: 'Hi! I was thinking of you. How is your week going?', topicId: null, triggerId: 'idle' },
  ],
  model: 'llama3.1:8b',
  modelProblem: null,
  followedLoop: null,
  funnel: null,
  ...over,
});

function planned(s: DraftState): DraftStep {
  const load = planDraft(s, NOW);
  if (load.action !== 'load_context') throw new Error(load.action);
  return readContext(load, { candidates: [SISTER, TEA], source: 'builtin' });
}
function modelStep(over: Partial<DraftState> = {}): AskModel {
  const step = planned(state(over));
  if (step.action !== 'compose') throw new Error(step.action);
  return step;
}
function templateStep(over: Partial<DraftState> = {}): AskTemplate {
  const step = planned(state({ model: null, ...over }));
  if (step.action !== 'template') throw new Error(step.action);
  return step;
}
const out = (text: string, topicId: string | null = null, usage = null): ComposeOutput => ({
  text,
  topicId,
  usage,
});
const ended = (step: DraftStep) => {
  if (step.action !== 'end') throw new Error(`expected end, got ${step.action}`);
  return step.result;
};

describe('readModelOpener', () => {
  const usage = { inputTokens: 321, outputTokens: 17 };

  it("writes the model's opener, trimmed, about the topic it names, with the model and tokens", () => {
    const step = readModelOpener(modelStep(), {
      from: 'openai-compatible',
      output: { text: '  How is your sister doing after the surgery? ', topicId: 'fact:sister', usage },
    });
    const result = ended(step);
    expect(result).toMatchObject({
      status: 'approved',
      text: 'How is your sister doing after the surgery?',
      topic: { id: 'fact:sister', kind: 'fact', mention: "your sister's surgery" },
      writtenBy: 'model',
      reason: null,
      composition: { context: { candidates: 2 }, model: 'llama3.1:8b', usage },
    });
    expect(result.topic!.score.total).toBeGreaterThan(0);
    expect(result.composition).not.toHaveProperty('fallback');
  });

  it('waits for a person in suggest mode, and records no topic the plan did not rank', () => {
    const step = readModelOpener(modelStep({ approval: 'suggest' }), {
      from: 'openai-compatible',
      output: out('How was the concert?', 'fact:concert'),
    });
    expect(ended(step)).toMatchObject({ status: 'pending', topic: null });
  });

  it('names a topic other than the chosen one by its own mention', () => {
    const step = readModelOpener(modelStep(), {
      from: 'anthropic',
      output: out('Still enjoying green tea?', 'fact:tea'),
    });
    expect(ended(step).topic).toMatchObject({ id: 'fact:tea', mention: 'green tea' });
  });

  it('hands over to the template when the opener breaks a guardrail, saying which', () => {
    const step = readModelOpener(modelStep(), {
      from: 'openai-compatible',
      output: { text: "Don't leave me, I miss you so much!", topicId: null, usage },
    });
    expect(step).toMatchObject({
      action: 'template',
      tries: 0,
      composition: {
        model: 'llama3.1:8b',
        fallback: {
          from: 'openai-compatible',
          reason: 'guardrail',
          violations: [expect.objectContaining({ rule: 'manipulative' })],
          usage,
        },
      },
    });
  });

  it("hands over to the template when the call failed, with the failure's reason", () => {
    const step = readModelOpener(modelStep(), {
      from: 'anthropic',
      failure: { reason: 'rate_limited', detail: '429, retry after 20 s' },
    });
    expect(step).toMatchObject({
      action: 'template',
      request: { seed: modelStep().request.seed },
      composition: {
        model: 'llama3.1:8b',
        fallback: { from: 'anthropic', reason: 'rate_limited', detail: '429, retry after 20 s' },
      },
    });
  });
});

describe('readTemplateOpener', () => {
  it("writes the template's opener as it is, keeping any fallback", () => {
    const step = templateStep({ modelProblem: 'no key' });
    const text = "Hey! I was just thinking about your sister's surgery. How is it going?";
    expect(ended(readTemplateOpener(step, out(text, 'fact:sister')))).toMatchObject({
      status: 'approved',
      text,
      writtenBy: 'template',
      topic: { id: 'fact:sister' },
      composition: { fallback: { reason: 'unusable_settings', detail: 'no key' } },
    });
  });

  it('tries the next phrasing after one that breaks a guardrail, then gives up', () => {
    let step: DraftStep = templateStep();
    const first = (step as AskTemplate).request.seed;
    const repeat = state().recentOpeners[0]!.text;
    for (let i = 1; i < TEMPLATE_TRIES; i++) {
      step = readTemplateOpener(step as AskTemplate, out(repeat));
      expect(step).toMatchObject({ action: 'template', tries: i, request: { seed: first + i } });
    }
    const result = ended(readTemplateOpener(step as AskTemplate, out('')));
    expect(result).toMatchObject({
      status: 'dismissed',
      text: null,
      writtenBy: null,
      reason: 'every template opener broke a guardrail',
    });
    expect(result.composition.violations!.map((v) => v.rule)).toEqual([
      ...Array(TEMPLATE_TRIES - 1).fill('too_similar'),
      'empty',
    ]);
  });

  it('lets the template say again what its own trigger said, never what another trigger said', () => {
    const own = 'Hi! Time for our check-in. How are you doing?';
    const other = 'Hi! I was thinking of you. How is your week going?';
    const step = templateStep({
      trigger: STANDUP,
      recentOpeners: [
        { text: own, topicId: null, triggerId: 'daily-standup' },
        { text: other, topicId: null, triggerId: 'idle' },
      ],
    });
    expect(step.request).toMatchObject({ recentOpeners: [own, other], reusableOpeners: [own] });
    expect(ended(readTemplateOpener(step, out(own)))).toMatchObject({ status: 'approved', text: own });

    // another trigger's words are refused, and the next try knows not to offer them again
    const next = readTemplateOpener(step, out(other.toUpperCase()));
    expect(next).toMatchObject({ action: 'template', tries: 1, violations: [{ rule: 'too_similar' }] });
    expect((next as AskTemplate).request.recentOpeners).toContain(other.toUpperCase());
    // and one of its own refused (too long, say) is no longer offered as reusable
    const long = readTemplateOpener(
      { ...step, plan: { ...step.plan, templateGuard: { ...step.plan.templateGuard, maxLength: 10 } } },
      out(own),
    );
    expect((long as AskTemplate).request.reusableOpeners).toEqual([]);
  });

  it("holds the model to every recent opener, its own trigger's too", () => {
    const own = 'Hey! Ping again: anything new with you today?';
    const fromOther = modelStep({ recentOpeners: [{ text: own, topicId: null, triggerId: 'ping' }] });
    const fromOwn = modelStep({
      trigger: { ...STANDUP, id: 'ping' },
      recentOpeners: [{ text: own, topicId: null, triggerId: 'ping' }],
    });
    for (const s of [fromOther, fromOwn])
      expect(readModelOpener(s, { from: 'openai-compatible', output: out(own) })).toMatchObject({
        action: 'template',
        composition: { fallback: { reason: 'guardrail', violations: [{ rule: 'too_similar' }] } },
      });
  });
});
