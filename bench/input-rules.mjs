#!/usr/bin/env node
// The rules every input obeys before its schema (src/contract/storable-input.ts: no NUL or
// unpaired surrogate in any string or key, nesting at most 64 deep) and the JSON body parser's
// __proto__ check (src/contract/json-body.ts): their cost on ingest's batches of 1,000 events.
//
//   npm run build && node bench/input-rules.mjs      the defaults
//
// Runs on the compiled code in dist/ (build first), on one core. Prints the median of --runs
// runs over --batches batches from the ingest benchmark's generator (bench/lib/events.mjs), with
// JSON.parse of the same bytes for scale.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createEventGenerator } from './lib/events.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { batches: { type: 'string', default: '100' }, runs: { type: 'string', default: '7' } },
});
const batches = Number(values.batches);
const runs = Number(values.runs);
const load = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const { findUnstorableInput } = await load('contract/storable-input.js');
const { parseJsonBody } = await load('contract/json-body.js');

const generator = createEventGenerator({
  users: 10_000,
  runId: 'bench',
  now: Date.parse('2026-11-23T12:00:00Z'),
});
const texts = Array.from({ length: batches }, () => generator.nextBody(1000).toString('utf8'));
const parsed = texts.map((text) => JSON.parse(text));
// a body that holds "proto" (in a text) takes the key walk too
const withProto = texts.map((text) => text.replace('"kind"', '"meta":{"note":"prototype"},"kind"'));

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(label, fn) {
  fn();
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6 / batches);
  }
  console.log(`${label}: ${median(samples).toFixed(3)} ms per batch of 1,000 events`);
}
time('JSON.parse (for scale)', () => {
  for (const text of texts) JSON.parse(text);
});
time('findUnstorableInput', () => {
  for (const body of parsed) findUnstorableInput(body);
});
time('parseJsonBody, no "proto" in the text', () => {
  for (const text of texts) parseJsonBody(text);
});
time('parseJsonBody, "proto" in a text: the key walk', () => {
  for (const text of withProto) parseJsonBody(text);
});
