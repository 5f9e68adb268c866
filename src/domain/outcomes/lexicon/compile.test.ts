import { describe, expect, it } from 'vitest';
import { CUES } from '../reply-cues.js';
import { compileCues, MAX_PART_SOURCE, nextCue } from './compile.js';
import type { Lexicon } from './lexicon.js';

const lexicon = (lang: Lexicon['lang'], stop: string[]): Lexicon => ({
  lang,
  stop,
  stopNegators: 'not',
  stopQuestions: [],
  stopAll: [],
  stopTimeQualifiers: [],
  wrongTime: [],
  annoyed: [],
  notNow: [],
  negators: 'not',
  invite: [],
  engaged: [],
  neutral: [],
  negative: [],
});

describe('compileCues', () => {
  it('keeps every compiled expression under the size V8 still optimises (20 KB)', () => {
    for (const set of Object.values(CUES))
      for (const part of set.parts) expect(part.regex.source.length).toBeLessThanOrEqual(20 * 1024);
  });

  it('splits a class into parts when the languages together are too long, and finds the earliest cue across them', () => {
    const filler = (word: string) => Array.from({ length: 1500 }, (_, i) => `${word}${i}x`);
    const set = compileCues(
      [lexicon('en', ['stop', ...filler('aa')]), lexicon('pt', ['para', ...filler('bb')])],
      (l) => l.stop,
      (l) => l.stopNegators,
    );
    expect(set.parts.length).toBe(2);
    expect(set.parts.every((p) => p.regex.source.length <= MAX_PART_SOURCE)).toBe(true);
    expect(nextCue(set, 'para ok stop')).toMatchObject({ index: 0, text: 'para', lang: 'pt' });
    expect(nextCue(set, 'ok stop para')).toMatchObject({ index: 3, text: 'stop', lang: 'en' });
    expect(nextCue(set, 'ok stop para', 4)).toMatchObject({ index: 8, lang: 'pt' });
    expect(nextCue(set, 'not stop')).toBeNull();
  });

  it('refuses one language whose cues alone are too long, so that the slowdown cannot come back silently', () => {
    const long = Array.from({ length: 4000 }, (_, i) => `word${i}`);
    expect(() => compileCues([lexicon('en', long)], (l) => l.stop)).toThrow(/over 18000: split the class/);
  });
});
