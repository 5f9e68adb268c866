import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepMostRelevant } from './most-relevant.js';
import type { TopicCandidate } from './select-topic.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-27T18:00:00Z');

const topic = (id: string, over: Partial<TopicCandidate> = {}): TopicCandidate => ({
  id,
  kind: 'fact',
  text: id,
  salience: 0.5,
  atMs: NOW - DAY,
  sensitive: false,
  characterId: null,
  ...over,
});

describe('keepMostRelevant', () => {
  it('keeps the most salient and recent, and an open loop due now above all', () => {
    const kept = keepMostRelevant(
      [
        topic('old-minor', { salience: 0.1, atMs: NOW - 90 * DAY }),
        topic('salient', { salience: 0.9 }),
        topic('due', { kind: 'open_loop', salience: 0, atMs: NOW - 60 * DAY, dueAtMs: NOW - DAY }),
        topic('recent', { salience: 0.5, atMs: NOW }),
      ],
      3,
      NOW,
    );
    expect(kept.map((c) => c.id)).toEqual(['due', 'salient', 'recent']);
  });

  it('keeps everything, once per id, when there are no more than the limit', () => {
    const kept = keepMostRelevant([topic('a'), topic('b'), topic('a', { text: 'again' })], 5, NOW);
    expect(kept).toEqual([topic('a'), topic('b')]);
  });

  it('cuts the same candidates whatever order they come in', () => {
    const candidates = Array.from({ length: 30 }, (_, i) =>
      topic(`t${i}`, { salience: (i % 4) / 4, atMs: NOW - (i % 3) * DAY }),
    );
    const ids = (list: TopicCandidate[]) => list.map((c) => c.id);
    const reference = ids(keepMostRelevant(candidates, 10, NOW));
    expect(reference).toHaveLength(10);
    fc.assert(
      fc.property(fc.shuffledSubarray(candidates, { minLength: 30, maxLength: 30 }), (shuffled) => {
        expect(ids(keepMostRelevant(shuffled, 10, NOW))).toEqual(reference);
      }),
    );
  });
});
