import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComposeRequest, IntentRequest, JudgeRequest } from '../domain/compose/compose-request.js';
import type { OpenerReason, Tone } from '../domain/compose/template.js';
import { type Composer, ComposerError } from '../ports/composer.js';
import type { FakeModelServer } from '../testing/fake-model-server.js';

/** A request with every part filled in; tests change what they are about. */
export function composeRequest(overrides: Partial<ComposeRequest> = {}): ComposeRequest {
  return {
    reason: 'follow_up',
    speaker: {
      characterId: 'char:mia',
      name: 'Mia',
      persona: 'You are Mia, a cheerful gardener.',
      tone: 'warm',
    },
    locale: 'en-GB',
    topic: {
      id: 'loop:interview',
      kind: 'open_loop',
      text: 'Job interview on Friday',
      mention: 'your interview',
    },
    facts: [{ id: 'fact:dog', text: 'Has a dog called Luna' }],
    recentOpeners: ['Hi! How is your week going?'],
    reusableOpeners: [],
    channel: 'private',
    maxLength: 160,
    seed: 7,
    script: null,
    ...overrides,
  };
}

export function judgeRequest(overrides: Partial<JudgeRequest> = {}): JudgeRequest {
  return {
    question: 'Did the user mention an exam this week?',
    speaker: composeRequest().speaker,
    locale: 'en-GB',
    context: [{ id: 'fact:exam', kind: 'fact', text: 'Has a chemistry exam on Thursday' }],
    nowIso: '2026-03-02T09:00:00Z',
    ...overrides,
  };
}

/** A reply at a funnel step with one choice of each action; tests change what they are about. */
export function intentRequest(overrides: Partial<IntentRequest> = {}): IntentRequest {
  return {
    speaker: composeRequest().speaker,
    locale: 'en-GB',
    step: 'Shall we plan your first week of training together?',
    choices: [
      { id: 'plan', label: "Yes, let's plan", action: 'advance' },
      { id: 'later', label: 'Not now', action: 'decline' },
    ],
    reply: 'sure, mornings work best for me',
    ...overrides,
  };
}

/** What a well-behaved model answers: an opener naming the topic, claiming its id. */
export function goodAnswer(request: ComposeRequest): { message: string; topicId: string | null } {
  return request.topic === null
    ? { message: 'Hi! How have you been?', topicId: null }
    : { message: `Hi! How did ${request.topic.mention} go?`, topicId: request.topic.id };
}

export interface ComposerUnderTest {
  composer: Composer;
  /** Readies the composer for one request (a fake model is scripted); what its opener must contain. */
  prepare(request: ComposeRequest): string;
  close(): Promise<void>;
}

/**
 * A model composer under test: a fake server of its API, scripted to answer each request as a
 * well-behaved model would, and the composer pointed at it.
 */
export async function composerOverFake(
  start: () => Promise<FakeModelServer>,
  make: (url: string) => Composer,
): Promise<ComposerUnderTest> {
  const fake = await start();
  return {
    composer: make(fake.url),
    prepare(request) {
      const answer = goodAnswer(request);
      fake.script({ object: answer });
      return answer.message;
    },
    close: () => fake.close(),
  };
}

const live = () => new AbortController().signal;

/**
 * What every composer promises, whether it calls a model or not. `usage` says what it reports:
 * null for the template, token counts for a model.
 */
export function composerContract(
  name: string,
  setup: () => Promise<ComposerUnderTest>,
  options: { usage: 'none' | 'tokens' },
): void {
  describe(`${name}: composer contract`, () => {
    let subject: ComposerUnderTest;
    beforeEach(async () => {
      subject = await setup();
    });
    afterEach(() => subject.close());

    const cases: [OpenerReason, Tone][] = [
      ['follow_up', 'warm'],
      ['silence', 'playful'],
      ['schedule', 'calm'],
      ['manual', 'formal'],
    ];
    it.each(cases)(
      'writes a %s opener in a %s tone about the topic, within maxLength',
      async (reason, tone) => {
        const request = composeRequest({
          reason,
          speaker: { ...composeRequest().speaker, tone },
          maxLength: 90,
        });
        const expected = subject.prepare(request);
        const output = await subject.composer.compose(request, { signal: live() });
        expect(output.text.trim()).not.toBe('');
        expect([...output.text].length).toBeLessThanOrEqual(request.maxLength);
        expect(output.text).toContain(expected);
        expect([request.topic!.id, null]).toContain(output.topicId);
      },
    );

    it('writes a plain opener with a null topicId when there is no topic', async () => {
      const request = composeRequest({ topic: null, facts: [] });
      subject.prepare(request);
      const output = await subject.composer.compose(request, { signal: live() });
      expect(output.text.trim()).not.toBe('');
      expect(output.topicId).toBeNull();
    });

    it('returns exactly a ComposeOutput, with the usage it can report', async () => {
      const request = composeRequest();
      subject.prepare(request);
      const output = await subject.composer.compose(request, { signal: live() });
      expect(Object.keys(output).sort()).toEqual(['text', 'topicId', 'usage']);
      if (options.usage === 'none') expect(output.usage).toBeNull();
      else
        expect(output.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
    });

    it("rejects an already aborted signal with ComposerError 'aborted'", async () => {
      const request = composeRequest();
      subject.prepare(request);
      const controller = new AbortController();
      controller.abort();
      const error = await subject.composer.compose(request, { signal: controller.signal }).catch((e) => e);
      expect(error).toBeInstanceOf(ComposerError);
      expect(error.reason).toBe('aborted');
    });
  });
}
