#!/usr/bin/env node
// Open-loop extraction (pure): the cost per message of extractOpenLoops on a mix of chat
// messages like those a companion bot receives, most of them without any date.
//
//   npm run build && node bench/open-loops.mjs      the defaults
//   node bench/open-loops.mjs --help                every option
//
// Runs on the compiled code in dist/ (build first), on one core.
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `Usage: node bench/open-loops.mjs [options]

Generates --messages chat messages (seeded): about 70% small talk and questions without a date
word, 20% that mention a day or a time without a plan ("how was your day", "see you tomorrow",
"I was sick yesterday", "I'm 25"), 10% with a plan ("my interview is on Friday at 3pm"), in
users' zones across four continents, said at instants over two weeks. Calls
extractOpenLoops(text, { atMs, zone }) on each in turn, --runs times after a warm-up run, and
prints the median cost per message, how many messages passed the pre-filter (and so reached
chrono), the cost per message that did, and how many loops were found.

Then what ingest adds to a batch: loopsFromEvents (extraction and the rows to insert) over
--batches batches of 1,000 events from the ingest benchmark's generator (bench/lib/events.mjs:
40% message_in, an eighth of whose texts hold a plan), and over the same batches with every text
replaced by one without a date word.

Options:
  --messages N   messages (default 10000)
  --runs N       measured runs (default 7)
  --batches N    ingest batches of 1,000 events (default 100)
  --seed N       generator seed (default 7)`;

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
    batches: { type: 'string', default: '100' },
    seed: { type: 'string', default: '7' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { extractOpenLoops, mayHoldADate } = await dist('domain/topics/open-loops.js');
const { ZoneCache } = await dist('domain/shared/local-time.js');
const { seededRandom } = await dist('domain/shared/random.js');
const { loopsFromEvents } = await dist('engine/context/open-loops.js');
const { createEventGenerator } = await import('./lib/events.mjs');

const SMALL_TALK = [
  'hey',
  'hi!',
  'lol',
  'hahaha that is so true',
  'ok',
  'thanks, that helps a lot',
  'what do you think about cats?',
  'I love that song',
  'can you tell me a joke',
  'I feel a bit lonely',
  'that makes sense',
  'are you there?',
  'tell me more about yourself',
  'I am so tired of everything',
  'what should I eat',
  'you are funny',
  'I miss my friends',
  'my boss is annoying me again',
  'I finished the book you suggested',
  'do you like pizza?',
  'I started learning guitar',
  'sorry I was busy',
  'omg yes',
  'I can not sleep',
  'what is your favourite movie?',
  'my cat knocked over my coffee',
  'I am thinking about changing jobs',
  'that is a good idea',
  'nah',
  'brb',
  'I hate rainy weather',
  'can you help me write an email to my landlord',
];
const DATES_NO_PLAN = [
  'how are you doing today?',
  'see you tomorrow',
  'I was sick yesterday',
  "I'm 25 and live in Chicago",
  'good morning!',
  'good night',
  'what are you doing tonight?',
  'it was a long week',
  'I have 2 cats and a dog',
  'last weekend was great',
  'I slept 10 hours lol',
  'what day is it today',
  "I'll talk to you tomorrow",
  'it has been 3 days since I went outside',
  'brb 5 min',
  'I work 9 to 5 every day',
];
const PLANS = [
  'my interview is on Friday at 3pm',
  'exam tomorrow, wish me luck',
  'flying to Lisbon next week!',
  'I have a dentist appointment on the 5th at 10',
  'my sister’s wedding is on Saturday',
  'I have a job interview at Google on Wednesday at 11am',
  'Ugh. My driving test is tomorrow at 9. So nervous',
  'party this saturday night',
  "I'm seeing my mom on Sunday",
  'my flight leaves at 6 tomorrow morning',
];
const ZONES = ['America/Chicago', 'America/New_York', 'Europe/Berlin', 'Europe/London', 'Asia/Tokyo'];

const rng = seededRandom(Number(args.seed));
const pick = (list) => list[Math.floor(rng() * list.length)];
const start = Date.parse('2026-11-16T00:00:00Z');
const n = Number(args.messages);
const messages = Array.from({ length: n }, () => {
  const r = rng();
  const text = r < 0.7 ? pick(SMALL_TALK) : r < 0.9 ? pick(DATES_NO_PLAN) : pick(PLANS);
  return { text, atMs: start + Math.floor(rng() * 14 * 86_400_000), zone: pick(ZONES) };
});

const zones = new ZoneCache();
for (const m of messages) m.offsets = zones.get(m.zone);

function run() {
  let loops = 0;
  const t0 = process.hrtime.bigint();
  for (const m of messages) loops += extractOpenLoops(m.text, { atMs: m.atMs, zone: m.offsets }).length;
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, loops };
}

// the pre-filter alone: how many messages reach chrono
const PREFILTERED = messages.filter((m) => mayHoldADate(m.text)).length;
const without = messages.filter((m) => !mayHoldADate(m.text));
function runWithout() {
  const t0 = process.hrtime.bigint();
  for (const m of without) extractOpenLoops(m.text, { atMs: m.atMs, zone: m.offsets });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

run(); // warm-up: JIT, zone offsets
const runs = Array.from({ length: Number(args.runs) }, run);
const times = runs.map((r) => r.seconds).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const noDate = Array.from({ length: Number(args.runs) }, runWithout).sort((a, b) => a - b);
const noDateMedian = noDate[Math.floor(noDate.length / 2)];
const us = (s, count) => ((s / count) * 1e6).toFixed(2);

console.log(
  `open loops: ${n.toLocaleString('en')} messages a run, ${runs.length} runs, ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
);
console.log(
  `  per message        median ${us(median, n)} µs  (runs: ${times.map((t) => us(t, n)).join(', ')} µs)`,
);
console.log(
  `  reach chrono       ${PREFILTERED.toLocaleString('en')} of ${n.toLocaleString('en')} (${((100 * PREFILTERED) / n).toFixed(1)}%)`,
);
console.log(
  `  per message without a date word   median ${us(noDateMedian, without.length)} µs (${without.length.toLocaleString('en')} messages)`,
);
console.log(
  `  per message reaching chrono       about ${us(median - noDateMedian, PREFILTERED)} µs (the rest of the time)`,
);
console.log(`  loops found        ${runs[0].loops.toLocaleString('en')} a run`);

// what ingest adds to a batch of 1,000 events
const NOW = Date.parse('2026-11-23T12:00:00Z');
const generator = createEventGenerator({ users: 100_000, runId: 'bench', seed: Number(args.seed), now: NOW });
const toEvents = (body, noDates) =>
  JSON.parse(body).events.map((e) => ({
    userId: e.userId,
    eventId: e.id,
    characterId: e.characterId,
    kind: e.kind,
    at: new Date(e.at),
    text: e.text === undefined ? null : noDates ? 'hey, are you there?' : e.text,
  }));
const bodies = Array.from({ length: Number(args.batches) }, () => generator.nextBody(1000));
const mixes = {
  'as generated': bodies.map((b) => toEvents(b, false)),
  'no date words': bodies.map((b) => toEvents(b, true)),
};
const chicago = zones.get('America/Chicago');
const zoneOf = () => chicago;
for (const [name, batches] of Object.entries(mixes)) {
  const perBatch = [];
  let rows = 0;
  for (let run = 0; run <= Number(args.runs); run++) {
    rows = 0;
    const t0 = process.hrtime.bigint();
    for (const events of batches) rows += loopsFromEvents(events, zoneOf, new Date(NOW)).length;
    if (run > 0) perBatch.push(Number(process.hrtime.bigint() - t0) / 1e6 / batches.length); // run 0 warms up
  }
  perBatch.sort((a, b) => a - b);
  console.log(
    `  ingest, ${name}: median ${perBatch[Math.floor(perBatch.length / 2)].toFixed(3)} ms per batch of 1,000 events, ${(rows / batches.length).toFixed(1)} loops a batch`,
  );
}
