// `prepare` (npm install, npm ci) runs this, and `npm start` and `npm run migrate` through
// scripts/cli.mjs: it builds dist/ when it is missing or older than the sources, and otherwise
// does nothing, so that a start does not pay for the TypeScript compiler (tens of seconds on a
// busy machine) when nothing has changed.
// `npm run build` always builds; its last step writes dist/.build-stamp.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
/** What the build reads: the sources it compiles (not the tests), its configuration and scripts. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts'];
const SKIPPED = /\.(test|contract)\.ts$/;

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return SKIPPED.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

function stampTime() {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Builds dist/ (`npm run build`) when it is missing or older than its inputs; returns the
 * build's exit status, 0 when there was nothing to do.
 */
export function buildIfStale() {
  const built = stampTime();
  const changed = Math.max(...INPUTS.map((input) => newestChange(join(ROOT, input))));
  if (built !== undefined && changed <= built) return 0;
  console.error(
    built === undefined ? 'overture: building dist/ (once)' : 'overture: sources changed; rebuilding dist/',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  return result.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = buildIfStale();
