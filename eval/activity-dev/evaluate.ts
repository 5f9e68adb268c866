/**
 * One zone mode, end to end, on its own scratch database: start the service, give the zones the
 * mode gives, ingest the train events, read every person's heatmap as of their cutoff, stop.
 * With the system clock the events all go in first and the heatmaps are read after; with
 * `replay` they go in on the engine's test clock and each person is read at their cutoff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevUser } from './dataset.js';
import {
  type ActivityAnswer,
  callApi,
  giveZones,
  mapConcurrent,
  type RunningEngine,
  startEngine,
} from './engine.js';
import { type IngestReport, ingestTrainEvents } from './ingest.js';
import { givenZones, type Mode, sentAsUtc } from './modes.js';
import { replayTrainEvents, startClock } from './replay.js';
import { flattenHeatmap, printZoneSummary } from './report.js';

export const CLOCKS = ['system', 'replay'] as const;
export type ClockMode = (typeof CLOCKS)[number];

export interface ModeOptions {
  root: string;
  pgServer: string;
  keepDb: boolean;
  clock: ClockMode;
  concurrency: number;
  batchSize: number;
  /** Called with the running engine, so that an interrupt can stop it. */
  onStart(engine: RunningEngine | undefined): void;
}

export interface ModeResult {
  heatmaps: Map<string, number[]>;
  timings: Record<string, number>;
  eventsPerSecond: number;
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export async function evaluateMode(
  mode: Mode,
  users: readonly DevUser[],
  options: ModeOptions,
): Promise<ModeResult> {
  const timings: Record<string, number> = {};
  const label = options.clock === 'system' ? mode : `${mode}-replay`;
  const clockDir = options.clock === 'replay' ? mkdtempSync(join(tmpdir(), 'overture-clock-')) : undefined;
  const clockFile = clockDir && join(clockDir, 'now');
  if (clockFile) startClock(clockFile, users);
  let t = performance.now();
  const engine = await startEngine({
    root: options.root,
    pgServer: options.pgServer,
    label: label.replace('-', '_'),
    keepDb: options.keepDb,
    clockFile,
  });
  options.onStart(engine);
  timings.start = seconds(t);
  console.log(`[${label}] service pid ${engine.pid} on ${engine.base}, database ${engine.database}`);
  try {
    t = performance.now();
    const zones = givenZones(mode, users);
    await giveZones(engine.base, zones, options.concurrency);
    timings.zones = seconds(t);
    console.log(`[${label}] ${zones.size} zones given in ${fmt(timings.zones)} s`);

    const utc = (user: DevUser) => sentAsUtc(mode, user.id);
    let ingest: IngestReport;
    let answers: Map<string, ActivityAnswer>;
    if (clockFile) {
      const replayed = await replayTrainEvents(engine.base, users, {
        batchSize: options.batchSize,
        utc,
        clockFile,
      });
      ({ ingest, answers } = replayed);
      timings.read = replayed.readSeconds;
    } else {
      ingest = await ingestTrainEvents(engine.base, users, { ...options, utc });
      t = performance.now();
      const read = await mapConcurrent(users, options.concurrency, (user) =>
        callApi<ActivityAnswer>(
          engine.base,
          'GET',
          `/v1/users/${user.id}/activity?at=${new Date(user.cutoffMs).toISOString()}`,
        ),
      );
      answers = new Map(users.map((user, i) => [user.id, read[i]!]));
      timings.read = seconds(t);
    }
    timings.ingest = ingest.seconds;
    const eventsPerSecond = ingest.events / ingest.seconds;
    console.log(
      `[${label}] ingest: ${ingest.events} events in ${ingest.batches} batches, ${fmt(ingest.seconds)} s, ` +
        `${fmt(eventsPerSecond, 0)} events/s; accepted ${ingest.accepted}, duplicates ${ingest.duplicates}; ` +
        `batch latency p50 ${fmt(ingest.p50Ms, 0)} ms, p95 ${fmt(ingest.p95Ms, 0)} ms, max ${fmt(ingest.maxMs, 0)} ms`,
    );
    if (ingest.accepted !== ingest.events)
      console.log(`[${label}] WARNING: ${ingest.events - ingest.accepted} events not accepted`);
    console.log(`[${label}] ${answers.size} heatmaps read in ${fmt(timings.read)} s`);
    printZoneSummary(users, zones, answers);
    const heatmaps = new Map(
      users.map((user) => [user.id, flattenHeatmap(user.id, answers.get(user.id)!.heatmap)]),
    );
    return { heatmaps, timings, eventsPerSecond };
  } finally {
    t = performance.now();
    await engine.stop();
    options.onStart(undefined);
    if (clockDir) rmSync(clockDir, { recursive: true, force: true });
    timings.stop = seconds(t);
  }
}
