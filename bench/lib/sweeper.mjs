// One engine instance for bench/sweep.mjs, in its own process, on the compiled code in dist/.
//
//   MODE=drain   prints "ready", waits for "go" on stdin, decides until nothing is due
//                (engine.sweep()), prints one JSON line with its counts, time and peak RSS
//   MODE=steady  runs the engine's own scheduler loop for DURATION_MS, then prints the same line
//
// Environment: DATABASE_URL, MODE, BATCH (pairs per claim), DURATION_MS (steady), POOL (connections).
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const root = new URL('../../', import.meta.url);
const { createEngine } = await import(pathToFileURL(new URL('dist/index.js', root).pathname).href);

const mode = process.env.MODE ?? 'drain';
const engine = await createEngine({
  databaseUrl: process.env.DATABASE_URL,
  migrate: false,
  logLevel: 'warn',
  poolSize: Number(process.env.POOL ?? 4),
  scheduler: false,
  schedulerBatchSize: Number(process.env.BATCH ?? 500),
});

const report = (result, ms) => {
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ pid: process.pid, ...result, ms, maxRssMb: Math.round(usage.maxRSS / 1024), cpuS: (usage.userCPUTime + usage.systemCPUTime) / 1e6 })}\n`,
  );
};

if (mode === 'drain') {
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') break;
  lines.close();
  process.stdin.destroy(); // else the open stdin keeps the process alive after its report
  const t0 = performance.now();
  const result = await engine.scheduler.runUntilIdle(); // decisions only: composing is not measured here
  report(result, performance.now() - t0);
} else {
  let decided = 0;
  let claimed = 0;
  engine.events.on('decisions.made', (e) => {
    decided += e.decided;
  });
  const t0 = performance.now();
  engine.scheduler.start();
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.DURATION_MS ?? 30_000)));
  await engine.scheduler.stop();
  claimed = decided;
  report({ claimed, decided }, performance.now() - t0);
}
await engine.close();
