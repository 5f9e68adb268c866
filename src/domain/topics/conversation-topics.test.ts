import { describe, expect, it } from 'vitest';
import { conversationTopics, MAX_TOPIC_LENGTH } from './conversation-topics.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-27T18:00:00Z');

describe('conversationTopics', () => {
  it('counts a topic once per message whatever its spelling, with its last mention and spelling', () => {
    const topics = conversationTopics(
      [
        { atMs: NOW - 3 * HOUR, topics: ['marathon  training', 'Marathon training'] },
        { atMs: NOW - HOUR, topics: [' Marathon Training ', 'her cat'] },
        { atMs: NOW - 2 * HOUR, topics: ['MARATHON TRAINING'] },
      ],
      'luna',
    );
    expect(topics).toEqual([
      {
        id: 'conversation:marathon training',
        kind: 'conversation',
        text: 'Marathon Training',
        mention: 'Marathon Training',
        salience: 1 - 0.75 ** 3,
        atMs: NOW - HOUR,
        sensitive: false,
        characterId: 'luna',
      },
      expect.objectContaining({ id: 'conversation:her cat', salience: 0.25, atMs: NOW - HOUR }),
    ]);
  });

  it('ranks a topic higher the more messages it came up in, below 1', () => {
    const mentions = Array.from({ length: 10 }, (_, i) => ({
      atMs: NOW - i * HOUR,
      topics: i < 2 ? ['chess', 'tea'] : ['chess'],
    }));
    const [chess, tea] = conversationTopics(mentions, 'luna');
    expect(chess!.salience).toBeGreaterThan(tea!.salience);
    expect(chess!.salience).toBeLessThan(1);
    expect(tea!.salience).toBeCloseTo(0.4375);
  });

  it('ignores what is not a list of strings, empty strings and overlong ones', () => {
    const topics = conversationTopics(
      [
        { atMs: NOW, topics: 'chess' },
        { atMs: NOW, topics: null },
        { atMs: NOW, topics: { chess: true } },
        { atMs: NOW, topics: [42, null, '   ', 'x'.repeat(MAX_TOPIC_LENGTH + 1), ['nested'], 'tea'] },
      ],
      'luna',
    );
    expect(topics.map((t) => t.id)).toEqual(['conversation:tea']);
  });
});
