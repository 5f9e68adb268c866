import { type ChildProcess, spawn } from 'node:child_process';
import { until } from './cli.js';

/**
 * Reading the README's tours as scripts: each ```sh block is cut into steps, a step being the
 * commands up to a run of `# ` comment lines, which are what the README claims they print. A
 * claim is checked loosely, as a reader does: `...` stands for anything, and the pieces between
 * must appear in that order.
 */
export interface TourStep {
  script: string;
  /** The claimed output, comment lines joined without their `#` and indentation; '' when none. */
  claim: string;
  /** Lines the README says appear in the fake Telegram server's terminal. */
  fakeClaim: string;
}

const FAKE_TERMINAL = /in the fake's terminal:$/;

/** The fenced blocks of `language` between a heading and the next heading of its level. */
export function blocksOfSection(readme: string, heading: string, language: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const level = heading.match(/^#+/)![0];
  const next = readme.slice(start + heading.length + 2).search(new RegExp(`\\n${level} `));
  const section = readme.slice(start, next < 0 ? undefined : start + heading.length + 2 + next);
  const blocks: string[] = [];
  const fence = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g');
  for (const match of section.matchAll(fence)) blocks.push(match[1]!);
  return blocks;
}

export function stepsOf(block: string): TourStep[] {
  const steps: TourStep[] = [];
  let script: string[] = [];
  let claim: string[] = [];
  let fakeClaim: string[] | undefined;
  const flush = () => {
    if (script.length === 0 && claim.length === 0) return;
    steps.push({ script: script.join('\n'), claim: claim.join(''), fakeClaim: (fakeClaim ?? []).join('\n') });
    script = [];
    claim = [];
    fakeClaim = undefined;
  };
  for (const line of block.split('\n')) {
    if (line.startsWith('#')) {
      const text = line.replace(/^#\s*/, '');
      if (FAKE_TERMINAL.test(text)) fakeClaim = [];
      else if (fakeClaim) fakeClaim.push(text);
      else claim.push(text);
    } else {
      if (claim.length > 0 || fakeClaim) flush();
      if (line.trim() !== '') script.push(line);
    }
  }
  flush();
  return steps;
}

/**
 * True when `output` holds the claim's pieces (split at `...`) in order. A comma before `...`
 * belongs to what is left out: `"a":1,...,"b":2` holds for `"a":1,"b":2` too.
 */
export function satisfies(output: string, claim: string): boolean {
  let from = 0;
  for (const piece of claim.replaceAll(',...', '...').split('...')) {
    if (piece === '') continue;
    const at = output.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

/** A step that only reads (no method other than GET, no body) may be run again until it holds. */
export function onlyReads(script: string): boolean {
  return !/-X (POST|PUT|PATCH|DELETE)|\s-d\s|--data/.test(script);
}

/**
 * One bash process that runs steps in order, keeping variables between them (`SUG=$(...)`), and
 * returns each step's stdout and stderr.
 */
export class TourShell {
  private readonly child: ChildProcess;
  private output = '';
  private count = 0;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
    });
  }

  /** Runs `script`; resolves with what it printed and its exit status (bounded by `timeoutMs`). */
  async run(script: string, timeoutMs = 60_000): Promise<{ output: string; status: number }> {
    const marker = `__tour_step_${++this.count}__`;
    const start = this.output.length;
    this.child.stdin!.write(`${script}\nprintf '\\n${marker} %s\\n' "$?"\n`);
    const done = new RegExp(`\\n${marker} (\\d+)\\n`);
    await until(
      () => done.test(this.output.slice(start)),
      () => `the step to finish:\n${script}\n--- output so far\n${this.output.slice(start)}`,
      { timeoutMs, intervalMs: 20 },
    );
    const text = this.output.slice(start);
    const found = done.exec(text)!;
    return { output: text.slice(0, found.index).trim(), status: Number(found[1]) };
  }

  close(): void {
    this.child.stdin!.end();
    this.child.kill('SIGKILL');
  }
}

/** A process the tour leaves running (the engine, the fake Telegram server), with its output. */
export class TourProcess {
  readonly child: ChildProcess;
  output = '';
  exited = false;

  constructor(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        this.output += chunk;
      });
    }
    this.child.once('exit', () => {
      this.exited = true;
    });
  }

  /** Waits (bounded) until its output satisfies `claim`; fails at once if it exits. */
  async waitFor(claim: string, timeoutMs = 90_000): Promise<void> {
    await until(
      () => {
        if (satisfies(this.output, claim)) return true;
        if (this.exited) throw new Error(`exited before printing ${claim}:\n${this.output}`);
        return false;
      },
      () => `output ${JSON.stringify(claim)}:\n${this.output}`,
      { timeoutMs, intervalMs: 50 },
    );
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
