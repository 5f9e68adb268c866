// Deterministic event generator for the ingest benchmark: batches of events for N distinct
// users, serialised to request bodies ahead of time so the sender does no JSON work while it
// is being timed.

import { seededRandom } from '../../dist/domain/shared/random.js';

/** The engine's seeded PRNG, so two runs send the same traffic (activity-stream.mjs uses it too). */
export { seededRandom };

// Cumulative mix of kinds: mostly messages, some sessions, a few reactions and feedback.
const KINDS = [
  ['message_in', 0.4],
  ['message_out', 0.78],
  ['session_start', 0.86],
  ['session_end', 0.94],
  ['reaction', 0.98],
  ['feedback', 1],
];
const TEXTS = {
  message_in: [
    'hey, are you there?',
    'I had a long day at work',
    'my interview is on Friday',
    'can you remind me about the dentist',
    'lol that is funny',
    'good morning!',
    'what should I cook tonight?',
    'I finished the book you suggested',
  ],
  message_out: [
    'Always here. How did it go?',
    'That sounds exhausting. Want to talk about it?',
    'Good luck! Tell me how it goes.',
    'Sure, when is the appointment?',
    'Glad it made you laugh.',
    'Morning! Sleep well?',
  ],
  reaction: ['👍', '❤️', '😂'],
  feedback: ['helpful', 'too often', 'great timing'],
};
const OFFSETS = ['Z', '+01:00', '+02:00', '-05:00', '+05:30', '-08:00', '+09:00'];
const CHARACTERS = 20;

function pickKind(r) {
  for (const [kind, upTo] of KINDS) if (r < upTo) return kind;
  return 'message_in';
}

/** An instant as ISO 8601 in one of a few UTC offsets (the API requires an explicit offset). */
function isoWithOffset(ms, offset) {
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset[0] === '-' ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const local = new Date(ms + minutes * 60_000).toISOString();
  return `${local.slice(0, 23)}${offset}`;
}

/**
 * Builds a generator of event batches. Users are u0..u{users-1}: every event picks, with
 * probability 0.8, the next user of a shuffled cycle over all users (so all of them are seen,
 * and created, early) and otherwise a uniformly random user (so users also come back in later
 * batches and some batches touch a user twice). Each user talks mostly to one of 20 characters,
 * sometimes to a second one. Event ids are unique per run (runId prefix plus a sequence number),
 * so a re-run against the same database sends no duplicates.
 */
export function createEventGenerator({
  users,
  runId,
  seed = 42,
  now = Date.now(),
  spanDays = 21,
  live = false,
}) {
  const random = seededRandom(seed);
  const order = Array.from({ length: users }, (_, i) => i);
  for (let i = users - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const spanMs = spanDays * 86_400_000;
  const seen = new Uint8Array(users);
  let distinct = 0;
  let cursor = 0;
  let seq = 0;

  function nextEvent() {
    const user = random() < 0.8 ? order[cursor++ % users] : Math.floor(random() * users);
    if (seen[user] === 0) {
      seen[user] = 1;
      distinct++;
    }
    const character = random() < 0.85 ? user % CHARACTERS : (user * 7 + 3) % CHARACTERS;
    const kind = pickKind(random());
    // past weeks, never in the future; at least one second old. Live: within the last minute, as
    // a bot forwards messages when they happen
    const at = now - 1000 - Math.floor(random() * (live ? 60_000 : spanMs));
    const event = {
      id: `${runId}-${seq++}`,
      kind,
      userId: `u${user}`,
      characterId: `c${character}`,
      at: isoWithOffset(at, OFFSETS[user % OFFSETS.length]),
    };
    const texts = TEXTS[kind];
    if (texts) event.text = texts[Math.floor(random() * texts.length)];
    return event;
  }

  return {
    /** How many distinct users the events so far belong to. */
    distinctUsers: () => distinct,
    /** The next batch of `size` events, as a request body ready to send. */
    nextBody(size) {
      const events = new Array(size);
      for (let i = 0; i < size; i++) events[i] = nextEvent();
      return Buffer.from(JSON.stringify({ events }));
    },
  };
}

/**
 * One `session_start` per user with its main character, 22 days ago (before any event of the
 * generator and any proactive message of the benchmark's setup), as bodies of `batchSize`: the
 * users and pairs exist before timing, as in a service that has been running.
 */
export function pairSeedBodies({ users, runId, now = Date.now(), batchSize }) {
  const bodies = [];
  for (let from = 0; from < users; from += batchSize) {
    const events = [];
    for (let user = from; user < Math.min(users, from + batchSize); user++)
      events.push({
        id: `${runId}-seed-${user}`,
        kind: 'session_start',
        userId: `u${user}`,
        characterId: `c${user % CHARACTERS}`,
        at: isoWithOffset(now - 22 * 86_400_000, OFFSETS[user % OFFSETS.length]),
      });
    bodies.push(Buffer.from(JSON.stringify({ events })));
  }
  return bodies;
}

/** Serialises `count` events into bodies of `batchSize`; returns them with how long that took. */
export function prepareBodies(generator, count, batchSize) {
  const started = process.hrtime.bigint();
  const bodies = [];
  for (let left = count; left > 0; left -= batchSize)
    bodies.push(generator.nextBody(Math.min(batchSize, left)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = bodies.reduce((sum, b) => sum + b.length, 0);
  return { bodies, seconds, bytes, eventsPerSecond: count / seconds };
}
