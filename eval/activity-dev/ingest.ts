/**
 * Sends the train events through `POST /v1/events`. The model is incremental, so one person's
 * events must arrive in time order: each person belongs to one lane, a lane sends its batches one
 * after the other, and the lanes run side by side (the `concurrency` requests in flight).
 */
import { percentile, sendBatches } from '../../bench/lib/http-load.mjs';
import type { DevUser } from './dataset.js';
import { ADMIN_KEY } from './engine.js';

/** The character every event is addressed to: the data has one "bot", the repositories. */
export const CHARACTER_ID = 'dev';

export interface IngestReport {
  events: number;
  batches: number;
  accepted: number;
  duplicates: number;
  seconds: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * Splits the people into `lanes` lanes of about equal event counts (largest first, each to the
 * lightest lane), so that no lane is left running alone at the end.
 */
function laneUsers(users: readonly DevUser[], lanes: number): DevUser[][] {
  const result: DevUser[][] = Array.from({ length: lanes }, () => []);
  const loads = new Array<number>(lanes).fill(0);
  const bySize = [...users].sort((a, b) => b.train.length - a.train.length || (a.id < b.id ? -1 : 1));
  for (const user of bySize) {
    const lightest = loads.indexOf(Math.min(...loads));
    result[lightest]!.push(user);
    loads[lightest]! += user.train.length;
  }
  return result.filter((lane) => lane.length > 0);
}

/** One lane's request bodies: its people's events in order, `batchSize` to a request. */
function laneBodies(users: readonly DevUser[], batchSize: number, utc: (user: DevUser) => boolean): Buffer[] {
  const bodies: Buffer[] = [];
  let events: object[] = [];
  for (const user of users) {
    const asUtc = utc(user);
    user.train.forEach((iso, index) => {
      events.push({
        id: `${user.id}:${index}`,
        kind: 'message_in',
        userId: user.id,
        characterId: CHARACTER_ID,
        at: asUtc ? new Date(user.trainMs[index]!).toISOString() : iso,
      });
      if (events.length === batchSize) {
        bodies.push(Buffer.from(JSON.stringify({ events })));
        events = [];
      }
    });
  }
  if (events.length > 0) bodies.push(Buffer.from(JSON.stringify({ events })));
  return bodies;
}

/**
 * Ingests every person's train events; `utc(user)` says whether that person's events are sent as
 * UTC (`Z`) strings rather than with the author's own offset. Any answer but 200 stops the run.
 */
export async function ingestTrainEvents(
  base: string,
  users: readonly DevUser[],
  options: { concurrency: number; batchSize: number; utc: (user: DevUser) => boolean },
): Promise<IngestReport> {
  const lanes = laneUsers(users, options.concurrency).map((lane) =>
    laneBodies(lane, options.batchSize, options.utc),
  );
  const started = performance.now();
  const sent = await Promise.all(
    lanes.map((bodies) => sendBatches({ base, key: ADMIN_KEY, bodies, concurrency: 1 })),
  );
  const seconds = (performance.now() - started) / 1000;
  const latencies = sent.flatMap((lane) => [...lane.latenciesMs]);
  return {
    events: users.reduce((sum, user) => sum + user.train.length, 0),
    batches: latencies.length,
    accepted: sent.reduce((sum, lane) => sum + lane.accepted, 0),
    duplicates: sent.reduce((sum, lane) => sum + lane.duplicates, 0),
    seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
  };
}
