/**
 * The engine under evaluation: `overture serve` as a child process on a scratch PostgreSQL
 * database, with its background workers off and no request limits, and the few API calls the
 * evaluation makes. The bench's helpers start and watch it, as they do for the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { waitForHealth } from '../../bench/lib/http-load.mjs';
import { createScratchDatabase, freePort, startService } from '../../bench/lib/service.mjs';
import type { ZoneChoice } from './zones.js';

/** The default tenant's admin key for the scratch service (it never leaves this machine). */
export const ADMIN_KEY = 'eval-activity-dev-admin-key-0001';

/** Builds `dist/` of the repository at `root` if it is older than the sources; returns the short commit. */
export function buildEngine(root: string): string {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('the build failed');
  return spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
}

export interface RunningEngine {
  base: string;
  database: string;
  pid: number | undefined;
  /** Stops the service, then drops its database unless it is kept; every call waits for the same stop. */
  stop(): Promise<void>;
}

/** Starts the service on a new database of the PostgreSQL server `pgServer` and waits until healthy. */
export async function startEngine(options: {
  root: string;
  pgServer: string;
  label: string;
  keepDb: boolean;
  /** The engine's clock reads this file (`--clock replay`) instead of the system's. */
  clockFile?: string;
}): Promise<RunningEngine> {
  const database = `eval_activity_dev_${options.label}_${process.pid}_${Date.now().toString(36)}`;
  const scratch = await createScratchDatabase(options.pgServer, database);
  const port = await freePort();
  const service = startService({
    entry: join(options.root, 'dist', 'cli', 'main.js'),
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: scratch.url,
      OVERTURE_ADMIN_KEY: ADMIN_KEY,
      // only the API: nothing may decide, compose or send while the events go in
      OVERTURE_SCHEDULER: 'off',
      OVERTURE_DRAFTING: 'off',
      OVERTURE_DELIVERY: 'off',
      // 0 is "no limit": a full run makes about 2,500 requests in a minute or two
      OVERTURE_KEY_REQUESTS_PER_MINUTE: '0',
      OVERTURE_TENANT_REQUESTS_PER_MINUTE: '0',
      OVERTURE_TEST_CLOCK_FILE: options.clockFile ?? '', // empty: the system clock
    },
  });
  // one stop for everyone who asks (an interrupt, the caller's finally): each waits for the drop
  let stopping: Promise<void> | undefined;
  const engine: RunningEngine = {
    base: `http://127.0.0.1:${port}`,
    database,
    pid: service.pid,
    stop() {
      stopping ??= (async () => {
        const status = await service.stop(10_000);
        if (status.code !== 0 && status.signal !== 'SIGTERM')
          console.log(`service exited with ${JSON.stringify(status)}; last output:\n${service.output()}`);
        if (options.keepDb) console.log(`database kept: ${database}`);
        else await scratch.drop();
      })();
      return stopping;
    },
  };
  try {
    await waitForHealth(engine.base, { timeoutMs: 90_000, isAlive: service.isAlive });
  } catch (error) {
    console.log(service.output());
    await engine.stop();
    throw error;
  }
  return engine;
}

/** One call of the API with the admin key; a non-2xx answer is an error naming the call. */
export async function callApi<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Sets each person's zone with `PATCH /v1/users/{id}`, as a bot that knows it would. */
export async function giveZones(
  base: string,
  zones: ReadonlyMap<string, ZoneChoice>,
  concurrency: number,
): Promise<void> {
  await mapConcurrent([...zones], concurrency, ([userId, choice]) =>
    callApi(base, 'PATCH', `/v1/users/${userId}`, { timezone: choice.zone }),
  );
}

/** What `GET /v1/users/{id}/activity` answers, in the fields the evaluation reads. */
export interface ActivityAnswer {
  timezone: string;
  timezoneSource: 'explicit' | 'inferred' | 'default';
  timezoneConfidence: number;
  confidence: number;
  evidence: number;
  heatmap: number[][];
}

/** Runs `task` over `items` with at most `concurrency` at once; results in the items' order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
