import { type Meaning, REPLY_MEANINGS } from '../../src/domain/outcomes/reply-meaning.js';

/** Counts of (true meaning, predicted meaning), indexed by REPLY_MEANINGS order. */
export type Confusion = number[][];

export function emptyConfusion(): Confusion {
  return REPLY_MEANINGS.map(() => REPLY_MEANINGS.map(() => 0));
}

export function addTo(confusion: Confusion, truth: Meaning, predicted: Meaning): void {
  confusion[REPLY_MEANINGS.indexOf(truth)]![REPLY_MEANINGS.indexOf(predicted)]!++;
}

export interface ClassScore {
  meaning: Meaning;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Precision, recall and F1 per meaning; a class never predicted has precision 1 when it has no support, else 0. */
export function classScores(confusion: Confusion): ClassScore[] {
  return REPLY_MEANINGS.map((meaning, k) => {
    const tp = confusion[k]![k]!;
    const support = confusion[k]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, row) => sum + row[k]!, 0);
    const precision = predicted === 0 ? (support === 0 ? 1 : 0) : tp / predicted;
    const recall = support === 0 ? 1 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { meaning, precision, recall, f1, support };
  });
}

export function accuracy(confusion: Confusion): number {
  let right = 0;
  let all = 0;
  confusion.forEach((row, i) => {
    row.forEach((n, j) => {
      all += n;
      if (i === j) right += n;
    });
  });
  return all === 0 ? 0 : right / all;
}
