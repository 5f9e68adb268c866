import { describe, expect, it } from 'vitest';
import { mentionOf, secondPerson } from './mention.js';

describe('mentionOf', () => {
  it('uses the mention it was given', () => {
    expect(mentionOf({ kind: 'fact', text: 'My sister Luna has surgery', mention: "Luna's surgery" })).toBe(
      "Luna's surgery",
    );
  });

  it('says a fact back in the second person', () => {
    expect(mentionOf({ kind: 'fact', text: 'My sister Luna is having surgery on Tuesday.' })).toBe(
      'your sister Luna is having surgery on Tuesday',
    );
    expect(mentionOf({ kind: 'open_loop', text: "I'm flying to Lisbon next week" })).toBe(
      "you're flying to Lisbon next week",
    );
  });

  it('makes a memory "when …"', () => {
    expect(mentionOf({ kind: 'memory', text: 'Went hiking in the Alps with my dog' })).toBe(
      'when you went hiking in the Alps with your dog',
    );
    expect(mentionOf({ kind: 'memory', text: 'We adopted a cat' })).toBe('when you adopted a cat');
  });

  it('keeps a conversation topic as it is', () => {
    expect(mentionOf({ kind: 'conversation', text: 'the Lisbon trip' })).toBe('the Lisbon trip');
  });

  it('cuts a long text at a word, with an ellipsis', () => {
    const text = `My ${'very '.repeat(40)}long story`;
    const m = mentionOf({ kind: 'fact', text });
    expect(m.length).toBeLessThanOrEqual(91);
    expect(m.endsWith('…')).toBe(true);
    expect(m.startsWith('your very')).toBe(true);
  });
});

describe('secondPerson', () => {
  it('swaps first and second person, whatever the case and apostrophe', () => {
    expect(secondPerson('I was nervous about my exam')).toBe('you were nervous about your exam');
    expect(secondPerson('I\u2019m moving')).toBe("you're moving");
    expect(secondPerson('NASA called me')).toBe('NASA called you');
  });
});
