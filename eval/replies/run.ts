/**
 * npm run eval:replies [-- --all-errors]
 *
 * Classifies every reply of corpus.jsonl with classifyReply and prints, for the dev split (the one
 * the rules were tuned on) and the test split (held out), per-meaning precision, recall, F1 and
 * support, the confusion matrix, accuracy per language and how often a stop got its scope right,
 * for dev, the whole test split and each test batch, then lists the test split's misclassifications (and dev's with --all-errors).
 * docs/EVALUATION.md ("Reply meanings") explains the figures.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyReply, REPLY_MEANINGS } from '../../src/domain/outcomes/reply-meaning.js';
import { LANGUAGES, type LabelledReply, readCorpus } from './corpus.js';
import { accuracy, addTo, classScores, emptyConfusion } from './metrics.js';

const corpus = readCorpus(join(dirname(fileURLToPath(import.meta.url)), 'corpus.jsonl'));
const allErrors = process.argv.includes('--all-errors');
const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
const pad = (s: string, n: number) => s.padEnd(n);

console.log(`# Reply meanings: ${corpus.length} labelled replies`);
const test = corpus.filter((r) => r.split === 'test');
report(
  'dev',
  corpus.filter((r) => r.split === 'dev'),
  allErrors,
);
report('test', test, true);
for (const batch of [...new Set(test.map((r) => r.batch))].sort((a, b) => (a ?? 1) - (b ?? 1)))
  report(
    batch === undefined ? 'test, batch 1 (written before any rule)' : `test, batch ${batch} (held out)`,
    test.filter((r) => r.batch === batch),
    false,
  );

function report(title: string, rows: LabelledReply[], listErrors: boolean): void {
  const confusion = emptyConfusion();
  const byLang = new Map(LANGUAGES.map((l) => [l, { right: 0, all: 0 }]));
  const errors: string[] = [];
  let scopes = 0;
  let scopesRight = 0;
  for (const row of rows) {
    const got = classifyReply(row.text);
    addTo(confusion, row.meaning, got.meaning);
    const lang = byLang.get(row.lang)!;
    lang.all++;
    if (got.meaning === row.meaning) lang.right++;
    else
      errors.push(
        `  [${row.lang}] ${pad(row.meaning, 10)} -> ${pad(got.meaning, 10)} ${JSON.stringify(row.text)}  (${got.cue ?? 'no cue'})`,
      );
    if (row.meaning === 'stop' && got.meaning === 'stop') {
      scopes++;
      if ((got.scope === 'all') === (row.scope === 'all')) scopesRight++;
      else
        errors.push(
          `  [${row.lang}] scope ${row.scope ?? 'character'} -> ${got.scope} ${JSON.stringify(row.text)}`,
        );
    }
  }
  console.log(`\n## ${title}: ${rows.length} replies, accuracy ${pct(accuracy(confusion))}%`);
  console.log(`\n${pad('meaning', 11)} precision  recall     F1  support`);
  for (const s of classScores(confusion))
    console.log(
      `${pad(s.meaning, 11)}    ${pct(s.precision)}   ${pct(s.recall)}  ${pct(s.f1)}  ${String(s.support).padStart(7)}`,
    );
  console.log(`\nconfusion (rows: true meaning, columns: predicted)`);
  console.log(`${pad('', 11)}${REPLY_MEANINGS.map((m) => m.padStart(11)).join('')}`);
  confusion.forEach((row, i) => {
    console.log(`${pad(REPLY_MEANINGS[i]!, 11)}${row.map((n) => String(n).padStart(11)).join('')}`);
  });
  console.log(`\naccuracy per language`);
  for (const [lang, c] of byLang) console.log(`  ${lang}  ${pct(c.right / c.all)}%  (${c.right}/${c.all})`);
  console.log(`\nscope of stops found: ${scopesRight}/${scopes} right`);
  if (listErrors) {
    console.log(`\nmisclassified (${errors.length}):`);
    for (const e of errors) console.log(e);
  }
}
