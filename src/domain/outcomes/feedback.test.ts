import { describe, expect, it } from 'vitest';
import { feedbackScore } from './feedback.js';

describe('feedbackScore', () => {
  it('takes the score given, over any emoji', () => {
    expect(feedbackScore(0.5, '👎')).toBe(0.5);
    expect(feedbackScore(-1, undefined)).toBe(-1);
  });
  it('reads thumbs up and down (any skin tone) and a heart; other emoji say nothing', () => {
    expect(feedbackScore(undefined, '👍')).toBe(1);
    expect(feedbackScore(undefined, '👍🏽')).toBe(1);
    expect(feedbackScore(undefined, '👎🏿')).toBe(-1);
    expect(feedbackScore(undefined, '❤️')).toBe(1);
    expect(feedbackScore(undefined, '🤔')).toBeNull();
    expect(feedbackScore(undefined, undefined)).toBeNull();
  });
});
