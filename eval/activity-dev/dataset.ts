/**
 * The activity-dev data folder: one line per person in `events.jsonl.gz`, the temporal split in
 * `split.json` (its README describes both). Only the train events (instant before the person's
 * cutoff) are kept: nothing here may see a test event.
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

/**
 * Reads the people of the data folder, sorted by id; `limit` keeps the first N of that order (a
 * deterministic subset for quick runs). Checks each person's train count against the split.
 */
export function loadDevUsers(dir: string, limit?: number): DevUser[] {
  const split = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8')) as {
    users: Record<string, SplitEntry>;
  };
  const lines = gunzipSync(readFileSync(join(dir, 'events.jsonl.gz')))
    .toString('utf8')
    .split('\n');
  const users: DevUser[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const person = JSON.parse(line) as { user: string; events: string[] };
    const entry = split.users[person.user];
    if (!entry) throw new Error(`user ${person.user} is not in split.json`);
    const train: string[] = [];
    const trainMs: number[] = [];
    for (const iso of person.events) {
      const ms = Date.parse(iso);
      if (Number.isNaN(ms)) throw new Error(`user ${person.user}: bad timestamp ${iso}`);
      if (ms >= entry.cutoff_ms) continue;
      train.push(iso);
      trainMs.push(ms);
    }
    if (train.length !== entry.n_train)
      throw new Error(`user ${person.user}: ${train.length} train events, split.json says ${entry.n_train}`);
    users.push({ id: person.user, train, trainMs, cutoffMs: entry.cutoff_ms });
  }
  users.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return limit === undefined ? users : users.slice(0, limit);
}
