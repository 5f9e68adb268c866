#!/usr/bin/env node
// Start-up of the embedded default: how long `overture serve` takes to answer /health, and the
// server process's peak memory, on an empty data directory (first start) and on the same
// directory again (later start); and the same through `npm start`, build step included.
//
//   npm run bench:start                        3 runs of each, medians
//   node bench/first-start.mjs --runs 5
//   node bench/first-start.mjs --root /tmp/overture-main   another checkout (e.g. main, to compare)
//
// Run `node bench/first-start.mjs --help` for every option.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, procCpuSeconds, procMemory } from './lib/service.mjs';

const USAGE = `Usage: node bench/first-start.mjs [options]

For each run: a new empty data directory; "node dist/cli/main.js serve" is started on it and
timed until GET /health answers 200 (first start), stopped with SIGTERM, started again on the
same directory (later start); then the same two starts through "npm start" (which builds, or
checks the build, first). Peak memory is the server process's VmHWM from /proc/PID/status,
read until it is healthy (for npm start: the node process running scripts/cli.mjs, not npm).
Also the server's CPU seconds (user + system) until healthy, which a busy machine changes less
than the wall time. Prints every run and the medians.

Options:
  --runs N       runs of each kind (default 3)
  --root DIR     the checkout to measure (default: this one); it must have been built
  --no-npm       skip the "npm start" runs
  --timeout S    give up on one start after S seconds (default 180)
  --help`;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    root: { type: 'string' },
    'no-npm': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '180' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const ROOT = resolve(values.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const RUNS = Number(values.runs);
const TIMEOUT_MS = Number(values.timeout) * 1000;
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
if (!existsSync(ENTRY)) {
  console.error(`${ENTRY} is missing: build ${ROOT} first (npm run build)`);
  process.exit(1);
}

/** Variables of this shell that would change what the server does; the bench sets its own. */
const CONFIG_VARIABLE = /^(DATABASE_URL|PORT|HOST|LOG_LEVEL|OVERTURE_.*|npm_.*)$/;
function serverEnv(extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!CONFIG_VARIABLE.test(name)) env[name] = value;
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

/** The pids of a process's descendants, from /proc (children's parent pid is field 4 of stat). */
function descendants(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** True when `pid` is node running the CLI: dist/cli/main.js, or scripts/cli.mjs under npm (not npm or a shell). */
function isServer(pid) {
  try {
    const [program, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (
      /(^|\/)node$/.test(program) &&
      args.some((arg) => arg.endsWith('dist/cli/main.js') || arg.endsWith('scripts/cli.mjs'))
    );
  } catch {
    return false;
  }
}

/** The pid running the CLI: the child itself, or (under npm) one of its descendants. */
function serverPid(child) {
  if (isServer(child.pid)) return child.pid;
  return descendants(child.pid).find(isServer);
}

async function healthy(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts one server (`how`: 'node' or 'npm') on `dataDir`, waits for /health, and returns the
 * seconds it took and the server process's peak RSS (VmHWM, which the kernel keeps as the high
 * water mark, read every 50 ms so the last reading before exit is kept), then stops it.
 */
async function timeStart(how, dataDir) {
  const port = await freePort();
  const env = serverEnv({ PORT: String(port), OVERTURE_DATA_DIR: dataDir });
  const started = performance.now();
  const child =
    how === 'node'
      ? spawn(process.execPath, [ENTRY, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['start', '--silent'], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  let pid;
  let peak = 0;
  let seconds;
  const deadline = started + TIMEOUT_MS;
  while (seconds === undefined) {
    if (exited) throw new Error(`${how} start exited before it was healthy:\n${output}`);
    if (performance.now() > deadline)
      throw new Error(`${how} start not healthy after ${TIMEOUT_MS} ms:\n${output}`);
    pid ??= serverPid(child);
    if (pid !== undefined) peak = Math.max(peak, procMemory(pid, 'VmHWM') ?? 0);
    if (await healthy(port)) seconds = (performance.now() - started) / 1000;
    else await new Promise((r) => setTimeout(r, 50));
  }
  pid ??= serverPid(child);
  if (pid !== undefined) peak = Math.max(peak, procMemory(pid, 'VmHWM') ?? 0);
  const cpu = pid === undefined ? null : procCpuSeconds(pid);
  if (how === 'npm') process.kill(-child.pid, 'SIGTERM');
  else child.kill('SIGTERM');
  const timer = setTimeout(
    () => (how === 'npm' ? process.kill(-child.pid, 'SIGKILL') : child.kill('SIGKILL')),
    30_000,
  );
  await exit;
  clearTimeout(timer);
  // npm may exit before its child: wait until the server has gone and released the data dir.
  for (let i = 0; i < 600 && pid !== undefined && existsSync(`/proc/${pid}`); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return { seconds, peakMb: peak / 1024 / 1024, cpu };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = {};
function record(kind, result) {
  results[kind] ??= [];
  results[kind].push(result);
  console.log(
    `${kind.padEnd(12)} healthy after ${result.seconds.toFixed(2)} s, server CPU ${result.cpu?.toFixed(2)} s, peak RSS ${result.peakMb.toFixed(0)} MB`,
  );
}

console.log(
  `root ${ROOT}, Node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const kinds = values['no-npm'] ? ['node'] : ['node', 'npm'];
for (let run = 1; run <= RUNS; run++) {
  for (const how of kinds) {
    const dir = mkdtempSync(join(os.tmpdir(), 'overture-bench-start-'));
    try {
      record(`${how} first`, await timeStart(how, join(dir, 'data')));
      record(`${how} later`, await timeStart(how, join(dir, 'data')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(
  `\nmedians of ${RUNS} runs (load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}):`,
);
console.log('| start | healthy after (s) | server CPU until healthy (s) | peak RSS of the server (MB) |');
console.log('| --- | --- | --- | --- |');
for (const [kind, list] of Object.entries(results)) {
  console.log(
    `| ${kind} | ${median(list.map((r) => r.seconds)).toFixed(2)} | ${median(list.map((r) => r.cpu ?? 0)).toFixed(2)} | ${median(list.map((r) => r.peakMb)).toFixed(0)} |`,
  );
}
