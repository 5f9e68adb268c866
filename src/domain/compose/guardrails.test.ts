import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOpener, type GuardrailInput, MANIPULATIVE_PHRASES, normalise } from './guardrails.js';

const input = (over: Partial<GuardrailInput> = {}): GuardrailInput => ({
  maxLength: 280,
  recentOpeners: [],
  channel: 'private',
  sensitiveTexts: [],
  ...over,
});
const rules = (text: string, over: Partial<GuardrailInput> = {}) =>
  checkOpener(text, input(over)).violations.map((v) => v.rule);

describe('checkOpener', () => {
  it('passes a kind opener about the topic', () => {
    expect(checkOpener('How did the interview go on Friday?', input())).toEqual({ ok: true, violations: [] });
  });

  it('refuses an empty opener and one over the length limit, counting characters not bytes', () => {
    expect(rules('   ')).toEqual(['empty']);
    expect(rules('é'.repeat(20), { maxLength: 20 })).toEqual([]);
    const long = checkOpener('x'.repeat(21), input({ maxLength: 20 }));
    expect(long.violations).toEqual([{ rule: 'too_long', detail: '21 characters, more than 20' }]);
  });

  it('refuses an opener that repeats a recent one, whatever the case and punctuation', () => {
    const recent = ['Hey! How did the interview go on Friday?'];
    expect(rules('hey, how did the interview go on friday', { recentOpeners: recent })).toEqual([
      'too_similar',
    ]);
    expect(rules('Did Luna’s surgery go well?', { recentOpeners: recent })).toEqual([]);
  });

  it('keeps sensitive facts out of public channels, and allows them in private', () => {
    const sensitiveTexts = ['Her sister Luna has surgery on Friday'];
    const text = 'Thinking of you: is Luna out of surgery yet?';
    expect(rules(text, { channel: 'public', sensitiveTexts })).toEqual(['sensitive_in_public']);
    expect(rules(text, { channel: 'private', sensitiveTexts })).toEqual([]);
    // one shared word is chance, not the fact
    expect(rules('Any plans for Friday?', { channel: 'public', sensitiveTexts })).toEqual([]);
  });

  it.each([
    "Don't leave me, please write back",
    'I’m lonely without you…',
    'Why are you ignoring me?',
    'If you really cared you would answer',
    'ANSWER ME',
  ])('refuses a guilt-tripping opener: %s', (text) => {
    expect(rules(text)).toEqual(['manipulative']);
  });

  it('does not mistake a word inside another for a phrase', () => {
    expect(rules('Did you find the answer meaningful?')).toEqual([]);
  });

  it('lists every violation, not only the first', () => {
    const text = `Why are you ignoring me? ${'x'.repeat(300)}`;
    expect(rules(text, { recentOpeners: [text] })).toEqual(['too_long', 'too_similar', 'manipulative']);
  });

  it('finds every listed phrase in any surrounding text and case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MANIPULATIVE_PHRASES),
        fc.constantFrom('', 'Hey. ', 'so… '),
        fc.constantFrom('', '!', ' ok?'),
        fc.boolean(),
        (phrase, before, after, upper) => {
          const text = `${before}${upper ? phrase.toUpperCase() : phrase}${after}`;
          expect(rules(text)).toContain('manipulative');
        },
      ),
    );
  });

  it('normalises to lower-case words with plain apostrophes', () => {
    expect(normalise('  It’s LUNA’s day—really!  ')).toEqual(["it's", "luna's", 'day', 'really']);
  });
});
