import { readFileSync } from 'node:fs';
import { type Meaning, REPLY_MEANINGS } from '../../src/domain/outcomes/reply-meaning.js';

export const LANGUAGES = ['en', 'de', 'es', 'fr', 'pt'] as const;

/** One labelled reply of corpus.jsonl. */
export interface LabelledReply {
  text: string;
  lang: (typeof LANGUAGES)[number];
  meaning: Meaning;
  /** For stop only, when the reply addresses every character. */
  scope?: 'all';
  note?: string;
  /** Fixed when the reply was written, before any rule: rules are tuned on dev, reported on test. */
  split: 'dev' | 'test';
  /**
   * When it was written. Absent: batch 1, before any rule, split half and half. 2 to 5: each
   * written after a round of rules and labelled before they were run on it, run once as test,
   * then moved to dev whole, as its failures were read. 6: written after the fifth round, held
   * out then; moved to dev for the stop round. 7: written before the stop round, run once, then moved to dev.
   * 8: written after stop round 2, run once, then moved to dev for stop round 3.
   * 9: written after stop round 2 and before stop round 3, run once, then moved to dev for stop round 4.
   * 10: written by someone who had read neither the rules nor the corpus, before stop round 4; run
   *   once, then moved to dev for stop round 5.
   * 11: written the same way, before stop round 5; run once, then moved to dev for stop round 6.
   * 12 and 13: written the same way, by two more helpers, before stop round 6; run once, then moved
   *   to dev for stop round 7.
   * 14 and 15: written the same way, by two more helpers, before stop round 7; run once, then moved
   *   to dev for stop round 8.
   * 16 and 17: written the same way, by two more helpers, before stop round 8; run once, then moved
   *   to dev for stop round 9.
   * 18 and 19: written the same way, by two more helpers, before stop round 9; test.
   * docs/EVALUATION.md gives each batch's first-run figures.
   */
  batch?: 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19;
}

/** Reads the corpus and rejects a line whose fields are not what the evaluation expects. */
export function readCorpus(path: string): LabelledReply[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const row = JSON.parse(line) as LabelledReply;
      const ok =
        typeof row.text === 'string' &&
        LANGUAGES.includes(row.lang) &&
        REPLY_MEANINGS.includes(row.meaning) &&
        (row.split === 'dev' || row.split === 'test') &&
        (row.batch === undefined ||
          (row.batch <= 17 && row.split === 'dev') ||
          (row.batch >= 18 && row.split === 'test')) &&
        (row.scope === undefined || (row.scope === 'all' && row.meaning === 'stop'));
      if (!ok) throw new Error(`${path}:${i + 1}: bad row ${line}`);
      return row;
    });
}
