#!/usr/bin/env node
// Reply meanings (pure): replies classified per second by classifyReply on one core, over the
// texts of the labelled corpus (eval/replies/corpus.jsonl) repeated.
//
//   npm run bench:reply-meaning          builds, then runs with the defaults
//   node bench/reply-meaning.mjs --help  every option
//
// Runs on the compiled code in dist/ (build first).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: node bench/reply-meaning.mjs [options]

Reads the corpus texts (over a thousand replies in English, German, Spanish, French and
Portuguese, most of them short, a third of them refusals), calls classifyReply on each in turn
until --replies calls, --runs times after a warm-up run, and prints the median replies/s with
every run, and how many of each meaning a run found. Then the same for longer replies: four
corpus texts joined by a space.

Options:
  --replies N   calls per run (default 500000)
  --runs N      measured runs (default 7)`;

const { values: args } = parseArgs({
  options: {
    replies: { type: 'string', default: '500000' },
    runs: { type: 'string', default: '7' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const { classifyReply } = await import(
  pathToFileURL(join(ROOT, 'dist/domain/outcomes/reply-meaning.js')).href
);

const texts = readFileSync(join(ROOT, 'eval/replies/corpus.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line).text);
const n = Number(args.replies);

const longTexts = texts.map((t, i) =>
  [t, ...[1, 2, 3].map((k) => texts[(i + k * 97) % texts.length])].join(' '),
);

function run(inputs = texts) {
  const counts = {};
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const meaning = classifyReply(inputs[i % inputs.length]).meaning;
    counts[meaning] = (counts[meaning] ?? 0) + 1;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, counts };
}

run(); // warm-up: JIT, the regular expressions' first compilation
const runs = Array.from({ length: Number(args.runs) }, run);
const rates = runs.map((r) => n / r.seconds).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
const k = (x) => Math.round(x).toLocaleString('en');
const meanLength = (list) => (list.reduce((sum, t) => sum + t.length, 0) / list.length).toFixed(1);

console.log(
  `reply meanings: ${texts.length} corpus texts (mean ${meanLength(texts)} characters), ${n.toLocaleString('en')} calls a run, ${runs.length} runs, ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), node ${process.version}`,
);
console.log(`  replies/s   median ${k(median)}  (runs: ${rates.map(k).join(', ')})`);
console.log(`  per reply   median ${((1 / median) * 1e6).toFixed(2)} µs`);
console.log(`  meanings a run: ${JSON.stringify(runs[0].counts)}`);

run(longTexts); // warm-up
const long = Array.from({ length: Number(args.runs) }, () => n / run(longTexts).seconds).sort(
  (a, b) => a - b,
);
console.log(
  `  four texts joined (mean ${meanLength(longTexts)} characters): replies/s median ${k(long[Math.floor(long.length / 2)])}  (runs: ${long.map(k).join(', ')})`,
);
