import { describe, expect, it } from 'vitest';
import { ComposerError } from '../ports/composer.js';
import { composeRequest, judgeRequest } from './llm.contract.js';
import {
  buildJudgePrompt,
  buildOpenerPrompt,
  checkOpenerTopic,
  JudgeSchema,
  OpenerSchema,
} from './prompt.js';

const plain = { jsonInstructions: false };

describe('buildOpenerPrompt', () => {
  it("opens the system prompt with the character's persona, verbatim, then the rules", () => {
    const persona = 'You are Mia.\nYou love "tomatoes" and puns.';
    const { system } = buildOpenerPrompt(
      composeRequest({ speaker: { ...composeRequest().speaker, persona } }),
      plain,
    );
    expect(system.startsWith(`${persona}\n\n- `)).toBe(true);
    expect(system).toContain('at most 160 characters');
    expect(system).toContain('British English, locale en-GB');
    expect(system).toMatch(/never guilt-trip/i);
    expect(system).toMatch(/do not repeat/i);
    expect(system).toMatch(/no quotation marks/i);
  });

  it('gives a neutral voice from name and tone when there is no persona', () => {
    const speaker = { characterId: 'c', name: 'Rex', persona: null, tone: 'calm' as const };
    const { system } = buildOpenerPrompt(composeRequest({ speaker, locale: null }), plain);
    expect(system).toMatch(/^You are Rex, a companion .*Your tone is calm\./);
    expect(system).toContain("the user's language when you can tell it");
  });

  it('puts the reason, the topic with its id, the facts with ids and the recent openers in the message', () => {
    const { prompt } = buildOpenerPrompt(composeRequest({ reason: 'silence' }), plain);
    expect(prompt).toContain('Why you are writing now: the user has not written for a while.');
    expect(prompt).toContain('Topic (open loop, id loop:interview): Job interview on Friday');
    expect(prompt).toContain('You may call it "your interview".');
    expect(prompt).toContain('- [fact:dog] Has a dog called Luna');
    expect(prompt).toContain('- Hi! How is your week going?');
  });

  it('asks for a plain check-in without a topic, and for discretion in a public channel', () => {
    const { system, prompt } = buildOpenerPrompt(composeRequest({ topic: null, channel: 'public' }), plain);
    expect(system).toContain('There is no topic');
    expect(system).toContain('Others can read this channel');
    expect(prompt).not.toContain('Topic (');
  });

  it('describes the JSON only when asked to', () => {
    expect(buildOpenerPrompt(composeRequest(), plain).system).not.toContain('JSON');
    expect(buildOpenerPrompt(composeRequest(), { jsonInstructions: true }).system).toContain(
      '{"message": "<the opener>", "topicId": "<an id> or null"}',
    );
  });
});

describe('buildJudgePrompt', () => {
  it('asks the question about the context, with the time and the ids', () => {
    const { system, prompt } = buildJudgePrompt(judgeRequest(), { jsonInstructions: true });
    expect(system).toContain('You are Mia, a cheerful gardener.');
    expect(system).toContain('answer no');
    expect(system).toContain('"answer": "yes" or "no"');
    expect(prompt).toContain('Now: 2026-03-02T09:00:00Z.');
    expect(prompt).toContain('Question: Did the user mention an exam this week?');
    expect(prompt).toContain('- [fact:exam] (fact) Has a chemistry exam on Thursday');
  });
});

describe('answer schemas', () => {
  it('hold an opener to a non-blank message and a string or null topicId', () => {
    expect(OpenerSchema.safeParse({ message: ' Hi ', topicId: null })).toMatchObject({
      success: true,
      data: { message: 'Hi', topicId: null },
    });
    for (const bad of [{ message: ' ', topicId: null }, { message: 'Hi' }, { message: 'Hi', topicId: 3 }])
      expect(OpenerSchema.safeParse(bad).success).toBe(false);
  });

  it('hold a judgement to yes or no with a reason', () => {
    expect(JudgeSchema.safeParse({ reason: 'It says so.', answer: 'no' }).success).toBe(true);
    for (const bad of [{ reason: 'x', answer: true }, { reason: '', answer: 'yes' }, { answer: 'yes' }])
      expect(JudgeSchema.safeParse(bad).success).toBe(false);
  });
});

describe('checkOpenerTopic', () => {
  it("accepts the topic's id, a fact's id or null, and refuses any other id", () => {
    const request = composeRequest();
    expect(checkOpenerTopic({ message: 'Hi', topicId: 'loop:interview' }, request)).toBe('loop:interview');
    expect(checkOpenerTopic({ message: 'Hi', topicId: 'fact:dog' }, request)).toBe('fact:dog');
    expect(checkOpenerTopic({ message: 'Hi', topicId: null }, request)).toBeNull();
    expect(() => checkOpenerTopic({ message: 'Hi', topicId: 'loop:other' }, request)).toThrow(ComposerError);
    expect(() =>
      checkOpenerTopic({ message: 'Hi', topicId: 'loop:x' }, composeRequest({ topic: null, facts: [] })),
    ).toThrow(/schema_violation/);
  });
});
