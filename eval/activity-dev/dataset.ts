/**
 * The activity-dev data folder: one line per person in `events.jsonl.gz`, the temporal split in
 * `split.json` (its README describes both). `loadDevUsers` keeps only the train events (instant
 * before the person's cutoff): what the engine is fed. `loadTestInstants` returns the test events,
 * and only the send-time replay's scoring reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface DevUser {
  id: string;
  /** Train events as the data gives them: ISO 8601 with the author's own offset, in time order. */
  train: string[];
  /** Their instants, in ms. */
  trainMs: number[];
  /** The first test event's instant: the model is read as of it. */
  cutoffMs: number;
}

interface SplitEntry {
  cutoff: string;
  cutoff_ms: number;
  n_train: number;
  n_test: number;
}

/** Each person of the folder with their events (instants parsed) and their split entry. */
function* readPeople(
  dir: string,
): Generator<{ id: string; events: string[]; ms: number[]; split: SplitEntry }> {
  const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8')) as {
    users: Record<string, SplitEntry>;
  };
  const lines = gunzipSync(readFileSync(join(dir, 'events.jsonl.gz')))
    .toString('utf8')
    .split('\n');
  for (const line of lines) {
    if (line === '') continue;
    const person = JSON.parse(line) as { user: string; events: string[] };
    const entry = split.users[person.user];
    if (!entry) throw new Error(`user ${person.user} is not in split.json`);
    const ms = person.events.map((iso) => {
      const at = Date.parse(iso);
      if (Number.isNaN(at)) throw new Error(`user ${person.user}: bad timestamp ${iso}`);
      return at;
    });
    yield { id: person.user, events: person.events, ms, split: entry };
  }
}

/**
 * Reads the people of the data folder, sorted by id; `limit` keeps the first N of that order (a
 * deterministic subset for quick runs). Checks each person's train count against the split.
 */
export function loadDevUsers(dir: string, limit?: number): DevUser[] {
  const users: DevUser[] = [];
  for (const person of readPeople(dir)) {
    const train: string[] = [];
    const trainMs: number[] = [];
    person.events.forEach((iso, index) => {
      const ms = person.ms[index]!;
      if (ms >= person.split.cutoff_ms) return;
      train.push(iso);
      trainMs.push(ms);
    });
    if (train.length !== person.split.n_train)
      throw new Error(
        `user ${person.id}: ${train.length} train events, split.json says ${person.split.n_train}`,
      );
    users.push({ id: person.id, train, trainMs, cutoffMs: person.split.cutoff_ms });
  }
  users.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return limit === undefined ? users : users.slice(0, limit);
}

/**
 * Each person's test event instants (at or after their cutoff), sorted, by id. For scoring only:
 * nothing that feeds the engine may read them. Checks the count against the split.
 */
export function loadTestInstants(dir: string): Map<string, number[]> {
  const tests = new Map<string, number[]>();
  for (const person of readPeople(dir)) {
    const test = person.ms.filter((ms) => ms >= person.split.cutoff_ms).sort((a, b) => a - b);
    if (test.length !== person.split.n_test)
      throw new Error(
        `user ${person.id}: ${test.length} test events, split.json says ${person.split.n_test}`,
      );
    tests.set(person.id, test);
  }
  return tests;
}
