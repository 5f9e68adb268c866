import type { TopicCandidate } from './select-topic.js';

/** Topics longer than this are not phrases an opener could name; they are left out. */
export const MAX_TOPIC_LENGTH = 100;

/** One message's topics as the bot reported them (`meta.topics`), and when it was sent. */
interface TopicMention {
  atMs: number;
  /** Anything: only the strings of an array count. */
  topics: unknown;
}

/**
 * The topics of recent messages as candidates: one per topic, whatever its spelling (trimmed,
 * inner spaces collapsed, case folded, NFC), with id `conversation:<normalised topic>`, the
 * latest spelling as text and mention, its last mention as `atMs`, and a salience that grows
 * with the number of messages it came up in (`1 - 0.75^n`: 0.25 once, 0.58 three times, 0.94 ten
 * times), so a topic mentioned once ranks below a fact the bot rated as mattering.
 *
 * @example
 * conversationTopics([{ atMs, topics: ['Marathon training'] }], 'luna')
 * // → [{ id: 'conversation:marathon training', kind: 'conversation', salience: 0.25, ... }]
 */
export function conversationTopics(mentions: readonly TopicMention[], characterId: string): TopicCandidate[] {
  const byKey = new Map<string, { text: string; atMs: number; count: number }>();
  for (const mention of mentions) {
    if (!Array.isArray(mention.topics)) continue;
    const seen = new Set<string>();
    for (const raw of mention.topics) {
      if (typeof raw !== 'string') continue;
      const text = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
      if (text.length === 0 || text.length > MAX_TOPIC_LENGTH) continue;
      const key = text.toLowerCase();
      // a message that names a topic twice mentions it once
      if (seen.has(key)) continue;
      seen.add(key);
      const topic = byKey.get(key);
      if (!topic) byKey.set(key, { text, atMs: mention.atMs, count: 1 });
      else {
        topic.count++;
        if (mention.atMs > topic.atMs) {
          topic.atMs = mention.atMs;
          topic.text = text;
        }
      }
    }
  }
  return [...byKey].map(([key, topic]) => ({
    id: `conversation:${key}`,
    kind: 'conversation',
    text: topic.text,
    mention: topic.text,
    salience: 1 - 0.75 ** topic.count,
    atMs: topic.atMs,
    sensitive: false,
    characterId,
  }));
}
