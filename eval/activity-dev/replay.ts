/**
 * `--clock replay`: the events go in as a live bot would have sent them, on the engine's test
 * clock (`OVERTURE_TEST_CLOCK_FILE`). All people's train events are merged in time order and cut
 * at each person's cutoff; before each stretch the clock is set to the cutoff that ends it, and
 * once it is in, the people whose cutoff it is are read.
 *
 * Why: the model's histograms fade from the engine's clock at ingest, and a read before that
 * instant reads as at it (docs/ACTIVITY.md). Events sent years after they happened (the system
 * clock) therefore hold almost no evidence when read, and every person gets the prior. With the
 * clock never past the cutoff of anyone still to be read, each read sees the weights it would have
 * seen live: a weight written at reference r and read at T >= r is 2^((t - T) / half-life),
 * whatever r was. The population is as of that moment too.
 */
import { percentile } from '../../bench/lib/http-load.mjs';
import { setFileClock } from '../../src/app/file-clock.js';
import type { DevUser } from './dataset.js';
import { type ActivityAnswer, callApi } from './engine.js';
import { CHARACTER_ID, type IngestReport } from './ingest.js';

/** Longer than the FileClock's refresh (20 ms), so that the service has seen the new instant. */
const CLOCK_SETTLE_MS = 30;

interface StreamEvent {
  user: DevUser;
  index: number;
  ms: number;
}

/** Every train event of every person, in time order (ties by person and index). */
function mergedStream(users: readonly DevUser[]): StreamEvent[] {
  const stream = users.flatMap((user) => user.trainMs.map((ms, index) => ({ user, index, ms })));
  return stream.sort(
    (a, b) => a.ms - b.ms || (a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : a.index - b.index),
  );
}

/** Starts the clock file at the first event, before the service that reads it starts. */
export function startClock(clockFile: string, users: readonly DevUser[]) {
  const first = Math.min(...users.map((user) => user.trainMs[0] ?? user.cutoffMs));
  setFileClock(clockFile, first);
}

export async function replayTrainEvents(
  base: string,
  users: readonly DevUser[],
  options: { batchSize: number; utc: (user: DevUser) => boolean; clockFile: string },
): Promise<{ ingest: IngestReport; answers: Map<string, ActivityAnswer>; readSeconds: number }> {
  const stream = mergedStream(users);
  const byCutoff = [...users].sort((a, b) => a.cutoffMs - b.cutoffMs);
  const answers = new Map<string, ActivityAnswer>();
  const latencies: number[] = [];
  let accepted = 0;
  let duplicates = 0;
  let readSeconds = 0;
  let next = 0;
  const started = performance.now();

  const send = async (events: StreamEvent[]) => {
    const body = {
      events: events.map(({ user, index, ms }) => ({
        id: `${user.id}:${index}`,
        kind: 'message_in',
        userId: user.id,
        characterId: CHARACTER_ID,
        at: options.utc(user) ? new Date(ms).toISOString() : user.train[index]!,
      })),
    };
    const t = performance.now();
    const result = await callApi<{ accepted: number; duplicates: number }>(base, 'POST', '/v1/events', body);
    latencies.push(performance.now() - t);
    accepted += result.accepted;
    duplicates += result.duplicates;
  };

  for (let i = 0; i < byCutoff.length; ) {
    const cutoffMs = byCutoff[i]!.cutoffMs;
    let end = next;
    while (end < stream.length && stream[end]!.ms < cutoffMs) end++;
    if (end > next) {
      setFileClock(options.clockFile, cutoffMs);
      await new Promise((resolve) => setTimeout(resolve, CLOCK_SETTLE_MS));
      for (let from = next; from < end; from += options.batchSize)
        await send(stream.slice(from, Math.min(end, from + options.batchSize)));
      next = end;
    }
    const t = performance.now();
    for (; i < byCutoff.length && byCutoff[i]!.cutoffMs === cutoffMs; i++) {
      const user = byCutoff[i]!;
      const at = new Date(cutoffMs).toISOString();
      answers.set(
        user.id,
        await callApi<ActivityAnswer>(base, 'GET', `/v1/users/${user.id}/activity?at=${at}`),
      );
    }
    readSeconds += (performance.now() - t) / 1000;
  }
  if (next !== stream.length) throw new Error(`${stream.length - next} train events lie after every cutoff`);

  return {
    ingest: {
      events: stream.length,
      batches: latencies.length,
      accepted,
      duplicates,
      seconds: (performance.now() - started) / 1000 - readSeconds,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: Math.max(...latencies),
    },
    answers,
    readSeconds,
  };
}
