import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATIENCE_MS } from './patience.js';

/** The repository root: the CLI runs from here through tsx, without a build step. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** An admin key as the engine prints it. */
export const KEY_PATTERN = /ovk_[A-Za-z0-9_-]{43}/;

/** Every key in a text, in order. */
export function keysIn(text: string): string[] {
  return text.match(new RegExp(KEY_PATTERN.source, 'g')) ?? [];
}

/** Variables of the parent that would change what a child does; tests set the ones they need. */
const CONFIG_VARIABLE = /^(DATABASE_URL|PORT|HOST|LOG_LEVEL|OVERTURE_.*)$/;

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !CONFIG_VARIABLE.test(name)) base[name] = value;
  }
  return { ...base, ...env };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for error messages and "never logged" checks. */
  readonly output: string;
  /** Resolves when the process has exited and its output is fully read. */
  exited: Promise<Exit>;
  /** True once the process has exited. */
  readonly done: boolean;
  /** Waits (bounded) until `condition` holds for the output so far; fails early if the process exits. */
  waitForOutput(condition: (stdout: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Waits (bounded) until the process exits. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
}

/** A free TCP port: listen on port 0, read the port the system chose, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `check` every `intervalMs` until it returns true, failing after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: () => string,
  { timeoutMs = PATIENCE_MS, intervalMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Starts CLI processes and temp dirs and cleans them all up: call `cleanup()` in afterEach. A
 * process still running then is killed (SIGKILL) and awaited before its directories go.
 */
export class CliRunner {
  private readonly processes = new Set<CliProcess>();
  private readonly dirs = new Set<string>();

  /** A new empty directory under the system temp dir, removed by `cleanup()`. */
  tempDir(prefix = 'overture-test-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.add(dir);
    return dir;
  }

  /** Runs `node --import tsx src/cli/main.ts <args>` with only the given configuration variables. */
  start(args: string[], env: Record<string, string> = {}): CliProcess {
    return this.spawnNode(['--import', 'tsx', 'src/cli/main.ts', ...args], env);
  }

  /** Runs a command to its end (bounded) and returns its exit code and output. */
  async run(args: string[], env: Record<string, string> = {}, timeoutMs = PATIENCE_MS) {
    const proc = this.start(args, env);
    const exit = await proc.waitForExit(timeoutMs);
    return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
  }

  /** Runs a plain node process from the project root (for fixtures). */
  spawnNode(args: string[], env: Record<string, string> = {}): CliProcess {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let done = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<Exit>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        done = true;
        resolve({ code, signal });
      });
    });
    const describe = () =>
      `${args.slice(2).join(' ') || args.join(' ')} (pid ${child.pid})\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    const proc: CliProcess = {
      child,
      pid: child.pid ?? -1,
      get stdout() {
        return stdout;
      },
      get stderr() {
        return stderr;
      },
      get output() {
        return stdout + stderr;
      },
      get done() {
        return done;
      },
      exited,
      async waitForOutput(condition, what, timeoutMs = PATIENCE_MS) {
        await until(
          () => {
            if (condition(stdout)) return true;
            if (done) throw new Error(`process exited before ${what}: ${describe()}`);
            return false;
          },
          () => `${what}: ${describe()}`,
          { timeoutMs, intervalMs: 50 },
        );
      },
      async waitForExit(timeoutMs = PATIENCE_MS) {
        await until(
          () => done,
          () => `exit: ${describe()}`,
          { timeoutMs, intervalMs: 50 },
        );
        return exited;
      },
    };
    this.processes.add(proc);
    return proc;
  }

  async cleanup(): Promise<void> {
    for (const proc of this.processes) {
      if (!proc.done) proc.child.kill('SIGKILL');
    }
    await Promise.all([...this.processes].map((proc) => proc.exited.catch(() => undefined)));
    this.processes.clear();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

/** Waits (bounded) until GET /health answers 200; fails at once with the output if the process exits. */
export async function waitHealthy(proc: CliProcess, port: number, timeoutMs = PATIENCE_MS): Promise<void> {
  await until(
    async () => {
      if (proc.done) throw new Error(`server exited before it was healthy:\n${proc.output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        await response.arrayBuffer();
        return response.status === 200;
      } catch {
        return false; // not listening yet
      }
    },
    () => `GET /health on port ${port} to answer 200:\n${proc.output}`,
    { timeoutMs },
  );
}

/** One JSON request to a running server, with an API key. */
export async function api(
  port: number,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** `count` valid message_in events spread over `users` users, all in the last hours of the real clock. */
export function eventBatch(count: number, users = 10, prefix = 'e') {
  const now = Date.now();
  return {
    events: Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i}`,
      kind: 'message_in',
      userId: `u${i % users}`,
      characterId: 'aria',
      at: new Date(now - 60_000 - i * 1000).toISOString(),
      text: `message ${i}`,
    })),
  };
}

/** The pino log lines of an output (lines that are not JSON, like the printed key, are skipped). */
export function logLines(output: string): Record<string, any>[] {
  const lines: Record<string, any>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line));
    } catch {
      // a line still being written
    }
  }
  return lines;
}
