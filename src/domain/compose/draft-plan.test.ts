import { describe, expect, it } from 'vitest';
import { fnv1a } from '../shared/random.js';
import type { TopicCandidate } from '../topics/select-topic.js';
import type { Trigger, TriggerSpec } from '../triggers/trigger.js';
import { planDraft, readContext, readJudgement } from './draft-plan.js';
import type { AskJudge, DraftContext, DraftState, DraftStep, LoadContext } from './draft-step.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;

const trigger = (spec: TriggerSpec): Trigger => ({
  id: 't',
  name: 'T',
  spec,
  enabled: true,
  characterIds: null,
  approval: 'auto',
  priority: 0,
  cooldownMinutes: 0,
  caps: { perDay: null, perWeek: null },
  expiryMinutes: 1440,
  atGoodTime: false,
  enabledAtMs: 0,
  minEngagement: null,
  holdout: { probability: 0, unit: 'user' },
  funnel: null,
});
const EVENT = trigger({ kind: 'event', event: 'ping', filter: {}, delayMinutes: 0 });
const LLM = trigger({
  kind: 'llm',
  question: 'Anything worth asking about?',
  rule: { cron: '0 12 * * *' },
  zone: { kind: 'user' },
});
const FOLLOW_UP = trigger({ kind: 'follow_up', delayMinutes: 120 });

const state = (over: Partial<DraftState> = {}): DraftState => ({
  suggestionId: 's1',
  characterId: 'luna',
  occasionKey: 'event:e1',
  approval: 'auto',
  expiresAtMs: NOW + DAY,
  trigger: EVENT,
  speaker: { characterId: 'luna', name: 'Luna', persona: null, tone: 'warm' },
  audience: 'private',
  locale: 'en-GB',
  recentOpeners: [],
  model: 'llama3.1:8b',
  modelProblem: null,
  followedLoop: null,
  funnel: null,
  ...over,
});
const fact = (id: string, over: Partial<TopicCandidate> = {}): TopicCandidate => ({
  id: `fact:${id}`,
  kind: 'fact',
  text: `Fact ${id}`,
  salience: 0.5,
  atMs: NOW - DAY,
  sensitive: false,
  characterId: null,
  ...over,
});
const loop = (id: string): TopicCandidate => ({
  id: `loop:${id}`,
  kind: 'open_loop',
  text: 'My interview is today at 1pm',
  mention: 'your interview',
  salience: 0.9,
  atMs: NOW - DAY,
  dueAtMs: NOW - 2 * 3_600_000,
  sensitive: false,
  characterId: 'luna',
});
const context = (candidates: TopicCandidate[], over: Partial<DraftContext> = {}): DraftContext => ({
  candidates,
  source: 'builtin',
  ...over,
});

function loaded(s: DraftState): LoadContext {
  const step = planDraft(s, NOW);
  if (step.action !== 'load_context') throw new Error(`expected load_context, got ${step.action}`);
  return step;
}
function asked(s: DraftState, c: DraftContext): AskJudge {
  const step = readContext(loaded(s), c);
  if (step.action !== 'judge') throw new Error(`expected judge, got ${step.action}`);
  return step;
}
const ended = (step: DraftStep) => {
  if (step.action !== 'end') throw new Error(`expected end, got ${step.action}`);
  return step.result;
};

describe('planDraft', () => {
  it('expires a draft whose time passed without loading anything', () => {
    expect(planDraft(state({ expiresAtMs: NOW }), NOW)).toEqual({
      action: 'end',
      result: {
        status: 'expired',
        text: null,
        topic: null,
        writtenBy: null,
        composition: {},
        reason: 'expired before it was drafted',
      },
    });
  });

  it("loads the user's context for the judge's question or for the opener", () => {
    expect(loaded(state()).purpose).toBe('compose');
    expect(loaded(state({ trigger: null })).purpose).toBe('compose');
    expect(loaded(state({ trigger: LLM })).purpose).toBe('judge');
  });
});

describe('readContext', () => {
  it('records where the context came from, and why a callback was not used', () => {
    const step = readContext(loaded(state()), context([fact('a')]));
    expect(step).toMatchObject({ composition: { context: { source: 'builtin', candidates: 1 } } });
    expect(step.action === 'compose' && 'fallbackReason' in step.composition.context!).toBe(false);
    const fellBack = readContext(
      loaded(state()),
      context([], { source: 'builtin', fallbackReason: 'callback timed out' }),
    );
    expect(fellBack).toMatchObject({
      composition: { context: { source: 'builtin', candidates: 0, fallbackReason: 'callback timed out' } },
    });
  });

  it('asks the model for the opener about the best topic, with the other facts and the recent openers', () => {
    const facts = Array.from({ length: 12 }, (_, i) => fact(String(i), { salience: i / 12 }));
    const secret = fact('secret', { sensitive: true, salience: 0 });
    const s = state({
      recentOpeners: [
        { text: 'Hi! How was your week?', topicId: null, triggerId: 'idle' },
        { text: 'Ping! Anything new?', topicId: null, triggerId: EVENT.id },
      ],
    });
    const step = readContext(loaded(s), context([...facts, secret]));
    if (step.action !== 'compose') throw new Error(step.action);
    expect(step.model).toBe('llama3.1:8b');
    expect(step.request).toEqual({
      reason: 'event',
      speaker: s.speaker,
      locale: 'en-GB',
      topic: { id: 'fact:11', kind: 'fact', text: 'Fact 11', mention: expect.any(String) },
      facts: facts
        .slice(3, 11)
        .reverse()
        .map((f) => ({ id: f.id, text: f.text })),
      recentOpeners: ['Hi! How was your week?', 'Ping! Anything new?'],
      reusableOpeners: ['Ping! Anything new?'],
      channel: 'private',
      maxLength: 300,
      seed: fnv1a('s1'),
      script: null,
    });
    // the model repeats no recent opener; the template may say again what its own trigger said
    const guard = {
      maxLength: 300,
      recentOpeners: ['Hi! How was your week?', 'Ping! Anything new?'],
      channel: 'private',
      sensitiveTexts: ['Fact secret'],
    };
    expect(step.plan.guard).toEqual(guard);
    expect(step.plan.templateGuard).toEqual({ ...guard, recentOpeners: ['Hi! How was your week?'] });
    expect(step.plan.ranked[0]!.candidate.id).toBe('fact:11');
  });

  it('leaves out the topic of the last opener', () => {
    const s = state({ recentOpeners: [{ text: 'About a', topicId: 'fact:a', triggerId: 't' }] });
    const step = readContext(loaded(s), context([fact('a', { salience: 1 }), fact('b')]));
    expect(step).toMatchObject({ action: 'compose', request: { topic: { id: 'fact:b' } } });
  });

  it('names the reason by trigger kind, and a deleted trigger as manual', () => {
    const reason = (s: DraftState) => {
      const step = readContext(loaded(s), context([fact('a')]));
      return step.action === 'compose' ? step.request.reason : step.action;
    };
    expect(reason(state())).toBe('event');
    expect(reason(state({ trigger: trigger({ kind: 'silence', afterHours: 48 }) }))).toBe('silence');
    expect(reason(state({ trigger: null }))).toBe('manual');
  });

  it('has the template write when no model is configured, saying why a configured one cannot be used', () => {
    const plain = readContext(loaded(state({ model: null })), context([fact('a')]));
    expect(plain).toMatchObject({ action: 'template', tries: 0, violations: [] });
    expect(plain).not.toHaveProperty('composition.fallback');
    const broken = readContext(
      loaded(state({ model: null, modelProblem: 'the stored API key cannot be opened' })),
      context([fact('a')]),
    );
    expect(broken).toMatchObject({
      action: 'template',
      composition: {
        fallback: {
          from: 'provider',
          reason: 'unusable_settings',
          detail: 'the stored API key cannot be opened',
        },
      },
    });
  });

  describe('for a follow-up', () => {
    const followUp = (over: Partial<DraftState> = {}) =>
      state({ trigger: FOLLOW_UP, occasionKey: 'loop:l1', ...over });

    it('is about its open loop, read from the store, even when the last opener named it', () => {
      const s = followUp({
        followedLoop: { candidate: loop('l1'), closedReason: 'followed_up' },
        recentOpeners: [{ text: 'Good luck with your interview!', topicId: 'loop:l1', triggerId: 't' }],
      });
      const step = readContext(loaded(s), context([fact('a', { salience: 1 })]));
      expect(step).toMatchObject({
        action: 'compose',
        request: { reason: 'follow_up', topic: { id: 'loop:l1', mention: 'your interview' } },
      });
    });

    it('takes its loop from the context when the provider lists it, without adding it twice', () => {
      const s = followUp({ followedLoop: { candidate: loop('l1'), closedReason: null } });
      const step = readContext(loaded(s), context([loop('l1'), fact('a')]));
      if (step.action !== 'compose') throw new Error(step.action);
      expect(step.request.topic).toMatchObject({ id: 'loop:l1' });
      expect(step.plan.ranked.map((t) => t.candidate.id).sort()).toEqual(['fact:a', 'loop:l1']);
    });

    it('says there is nothing to say when its loop was closed through the API or is gone', () => {
      const closed = followUp({ followedLoop: { candidate: loop('l1'), closedReason: 'closed_by_api' } });
      for (const s of [closed, followUp()])
        expect(ended(readContext(loaded(s), context([fact('a')])))).toMatchObject({
          status: 'dismissed',
          reason: 'nothing to say: the open loop is closed or gone',
          composition: { context: { candidates: 1 } },
        });
    });

    it('needs a topic even when its occasion is not a loop', () => {
      expect(ended(readContext(loaded(state({ trigger: FOLLOW_UP })), context([])))).toMatchObject({
        status: 'dismissed',
        reason: 'nothing to say: the trigger needs a topic and there is none',
      });
    });
  });

  describe('for an llm trigger', () => {
    it('asks the question about the most salient things known, the newest first among equals', () => {
      const many = Array.from({ length: 40 }, (_, i) =>
        fact(String(i), { salience: i < 20 ? 0.2 : 0.8, atMs: NOW - i * 60_000 }),
      );
      const step = asked(state({ trigger: LLM }), context(many));
      expect(step.model).toBe('llama3.1:8b');
      expect(step.request).toMatchObject({
        question: 'Anything worth asking about?',
        speaker: { name: 'Luna' },
        locale: 'en-GB',
        nowIso: '2026-11-23T12:00:00.000Z',
      });
      expect(step.request.context).toHaveLength(30);
      expect(step.request.context.slice(0, 2)).toEqual([
        { id: 'fact:20', kind: 'fact', text: 'Fact 20' },
        { id: 'fact:21', kind: 'fact', text: 'Fact 21' },
      ]);
      expect(step.request.context.at(-1)!.id).toBe('fact:9');
    });

    it('does not ask about an empty context, nor without a model', () => {
      expect(ended(readContext(loaded(state({ trigger: LLM })), context([])))).toMatchObject({
        status: 'dismissed',
        reason: 'nothing to ask about: the context is empty',
        composition: { judge: null },
      });
      expect(
        ended(readContext(loaded(state({ trigger: LLM, model: null })), context([fact('a')]))),
      ).toMatchObject({
        status: 'dismissed',
        reason: 'an llm trigger needs a language model: no language model is configured',
        composition: { judge: null },
      });
      const broken = state({ trigger: LLM, model: null, modelProblem: 'no OVERTURE_SECRET_KEY' });
      expect(ended(readContext(loaded(broken), context([fact('a')]))).reason).toBe(
        'an llm trigger needs a language model: no OVERTURE_SECRET_KEY',
      );
    });
  });
});

describe('readJudgement', () => {
  const judged = () => asked(state({ trigger: LLM }), context([fact('a')]));
  const usage = { inputTokens: 90, outputTokens: 9 };

  it('goes on to the opener on a yes, keeping the answer', () => {
    const step = readJudgement(judged(), {
      output: { answer: true, reason: 'Her sister has surgery.', usage },
    });
    expect(step).toMatchObject({
      action: 'compose',
      request: { reason: 'active_now', topic: { id: 'fact:a' } },
      composition: {
        context: { candidates: 1 },
        judge: { model: 'llama3.1:8b', answer: 'yes', reason: 'Her sister has surgery.', usage },
      },
    });
  });

  it('ends on a no, with the reason', () => {
    const step = readJudgement(judged(), { output: { answer: false, reason: 'Nothing new.', usage: null } });
    expect(ended(step)).toMatchObject({
      status: 'dismissed',
      reason: 'the model answered no: Nothing new.',
      composition: { judge: { answer: 'no', reason: 'Nothing new.', usage: null } },
    });
  });

  it('counts a failed answer as no', () => {
    const step = readJudgement(judged(), {
      failure: { reason: 'schema_violation', detail: 'answer: invalid' },
    });
    expect(ended(step)).toMatchObject({
      status: 'dismissed',
      reason: 'the model could not answer (schema_violation): counted as no',
      composition: { judge: { model: 'llama3.1:8b', failed: 'schema_violation', detail: 'answer: invalid' } },
    });
  });
});
