import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { freePort, KEY_PATTERN, PROJECT_ROOT, until } from './helpers/cli.js';
import {
  blocksOfSection,
  onlyReads,
  satisfies,
  stepsOf,
  TourProcess,
  TourShell,
  type TourStep,
} from './helpers/readme-tour.js';

// The README's two tours, run as a reader would: every ```sh block in order, in one bash, against
// an engine started on a free port and a temporary data directory; each output the README shows
// (its `# ` lines, `...` standing for anything) must be what the command prints. So the README
// cannot drift from the engine. The engine and the fake Telegram server run from the sources
// (tsx), as `npm start` and `node dist/...` would after a build. PGlite only: the tours use the
// embedded database.

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
/** The instant the five-minute tour's outputs were written at (Monday 23 November 2026, 11:00 in Berlin). */
const FIVE_MINUTE_TOUR_NOW = '2026-11-23T10:00:00Z';
/** Variables of the parent that would change what the engine or the shell does. */
const CONFIG_VARIABLE = /^(DATABASE_URL|PORT|HOST|LOG_LEVEL|OVERTURE_.*|TELEGRAM_.*)$/;

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !CONFIG_VARIABLE.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

const SERVE_FROM_SOURCES = 'node --import tsx src/cli/main.ts serve';

describe.concurrent('the README', () => {
  /** What a test leaves running or on disk, removed when it finishes (the tours run side by side). */
  function resources({ onTestFinished }: TestContext) {
    const processes: TourProcess[] = [];
    const shells: TourShell[] = [];
    const dirs: string[] = [];
    onTestFinished(() => {
      for (const p of processes) p.kill();
      for (const s of shells) s.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    return {
      process(command: string, args: string[], env: NodeJS.ProcessEnv) {
        const p = new TourProcess(command, args, PROJECT_ROOT, env);
        processes.push(p);
        return p;
      },
      shell(env: NodeJS.ProcessEnv) {
        const s = new TourShell(PROJECT_ROOT, env);
        shells.push(s);
        return s;
      },
      tempDir() {
        const dir = mkdtempSync(join(tmpdir(), 'overture-readme-'));
        dirs.push(dir);
        return dir;
      },
    };
  }

  async function waitHealthy(engine: TourProcess, port: number) {
    await until(
      async () => {
        if (engine.exited) throw new Error(`the engine exited:\n${engine.output}`);
        try {
          return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
        } catch {
          return false;
        }
      },
      () => `the engine on port ${port} to be healthy:\n${engine.output}`,
      { timeoutMs: 150_000, intervalMs: 100 },
    );
  }

  /**
   * Runs a step; a claimed output must be printed. A step that only reads is run again until it
   * is (the engine decides, composes and sends in the background); one that writes, once. What
   * differs is added to `mismatches`, and the tour goes on, so that one run lists every drift.
   */
  async function runStep(shell: TourShell, step: TourStep, where: string, mismatches: string[]) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { output, status } = await shell.run(step.script);
      const holds = step.claim === '' ? status === 0 : satisfies(output, step.claim);
      if (holds) return;
      if (!onlyReads(step.script) || Date.now() > deadline) {
        mismatches.push(
          `${where}: the README says\n${step.script}\nprints\n${step.claim}\nbut it printed (exit ${status})\n${output}\n`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('five-minute tour: every command prints what the README shows', async (context) => {
    const own = resources(context);
    const dir = own.tempDir();
    const port = await freePort();
    const clock = join(dir, 'clock');
    writeFileSync(clock, FIVE_MINUTE_TOUR_NOW);
    // `npm start` on an empty data directory, which prints the admin key.
    const engine = own.process(
      'bash',
      ['-c', `exec ${SERVE_FROM_SOURCES}`],
      baseEnv({
        PORT: String(port),
        OVERTURE_DATA_DIR: join(dir, 'data'),
        OVERTURE_TEST_CLOCK_FILE: clock,
        LOG_LEVEL: 'warn',
      }),
    );
    await waitHealthy(engine, port);
    const printed = blocksOfSection(README, '## A five-minute tour', '')[0]!;
    const claim = printed
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join('...');
    expect(satisfies(engine.output, claim), `${claim}\nin\n${engine.output}`).toBe(true);
    const key = engine.output.match(KEY_PATTERN)![0];

    const shell = own.shell(baseEnv({ OVERTURE_KEY: key }));
    const blocks = blocksOfSection(README, '## A five-minute tour', 'sh');
    expect(blocks.length).toBeGreaterThan(10);
    const mismatches: string[] = [];
    for (const [index, block] of blocks.entries()) {
      for (const step of stepsOf(block)) {
        // the reader pastes the key printed above; the shell has it already
        const script = step.script.replace(/^export OVERTURE_KEY=ovk_paste_the_key_here$/m, '').trim();
        if (script === '') continue;
        await runStep(
          shell,
          { ...step, script: script.replaceAll('localhost:8787', `localhost:${port}`) },
          `five-minute tour, block ${index + 1}`,
          mismatches,
        );
      }
    }
    expect(mismatches.join('\n')).toBe('');
  }, 600_000);

  it('tour with curl: every command prints what the README shows, and the fake Telegram server gets the message', async (context) => {
    const own = resources(context);
    const dir = own.tempDir();
    const port = await freePort();
    const fakePort = await freePort();
    const substitute = (text: string) =>
      text
        .replaceAll('localhost:8787', `localhost:${port}`)
        .replaceAll('127.0.0.1:8788', `127.0.0.1:${fakePort}`)
        .replaceAll('--port 8788', `--port ${fakePort}`)
        .replaceAll('/tmp/overture-', `${dir}/overture-`);
    const shell = own.shell(baseEnv({}));
    let fake: TourProcess | undefined;
    const blocks = blocksOfSection(README, '## A tour with curl', 'sh');
    expect(blocks.length).toBeGreaterThan(5);
    const mismatches: string[] = [];
    for (const [index, block] of blocks.entries()) {
      const where = `tour with curl, block ${index + 1}`;
      for (const original of stepsOf(block)) {
        const step = {
          script: substitute(original.script),
          claim: substitute(original.claim),
          fakeClaim: original.fakeClaim,
        };
        if (step.script.includes('dist/testing/fake-telegram-main.js')) {
          // the second terminal: the fake Bot API, left running
          const script = step.script.replace(
            'node dist/testing/fake-telegram-main.js',
            'exec node --import tsx src/testing/fake-telegram-main.ts',
          );
          fake = own.process('bash', ['-c', script], baseEnv({}));
          await fake.waitFor(step.claim);
        } else if (/npm start$/.test(step.script)) {
          // the first terminal: the engine, left running
          const script = step.script.replace(/npm start$/, `exec ${SERVE_FROM_SOURCES}`);
          const engine = own.process('bash', ['-c', script], baseEnv({ PORT: String(port) }));
          await waitHealthy(engine, port);
          await engine.waitFor(step.claim);
        } else {
          await runStep(shell, step, where, mismatches);
          if (step.fakeClaim !== '') {
            expect(fake, `${where}: the fake Telegram server was never started`).toBeDefined();
            await fake!.waitFor(step.fakeClaim);
          }
        }
      }
    }
    expect(mismatches.join('\n')).toBe('');
  }, 600_000);
});
