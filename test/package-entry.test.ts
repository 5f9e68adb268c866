import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/cli.js';

const run = promisify(execFile);

// The package as a consumer loads it: src compiled into a directory of its own (emit only, the
// types are checked by `npm run typecheck`), beside this repository's package.json and
// node_modules, then required by name in a child process. `require(esm)` (Node >= 20.19) refuses
// a module graph with a top-level await, so this also holds that there is none.
describe('the built package', () => {
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'overture-package-'));
    await run(
      process.execPath,
      [
        join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'),
        ...['-p', join(PROJECT_ROOT, 'tsconfig.build.json'), '--outDir', join(root, 'dist')],
        ...['--noCheck', '--declaration', 'false', '--sourceMap', 'false'],
      ],
      { cwd: PROJECT_ROOT },
    );
    copyFileSync(join(PROJECT_ROOT, 'package.json'), join(root, 'package.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** What a CommonJS or ES module program prints after loading `specifier` by name from the package's root. */
  const load = async (kind: 'require' | 'import', specifier: string, names: string[]) => {
    const script =
      kind === 'require'
        ? `const m = require(${JSON.stringify(specifier)});`
        : `const m = await import(${JSON.stringify(specifier)});`;
    const { stdout } = await run(
      process.execPath,
      [
        ...(kind === 'import' ? ['--input-type=module'] : []),
        '-e',
        `${script} console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n])))`,
      ],
      { cwd: root },
    );
    return JSON.parse(stdout) as string[];
  };

  it('loads with require and with import', async () => {
    const names = ['createEngine', 'createServer', 'OvertureError'];
    expect(await load('require', 'overture', names)).toEqual(['function', 'function', 'function']);
    expect(await load('import', 'overture', names)).toEqual(['function', 'function', 'function']);
  });

  it('keeps the test kit out of the main entry, in overture/testing', async () => {
    const kit = ['createTestEngine', 'FakeClock', 'FileClock', 'setFileClock', 'RecordingChannel'];
    expect(await load('require', 'overture', kit)).toEqual(kit.map(() => 'undefined'));
    expect(await load('require', 'overture/testing', kit)).toEqual(kit.map(() => 'function'));
    expect(await load('import', 'overture/testing', ['startFakeTelegramServer'])).toEqual(['function']);
  });
});
