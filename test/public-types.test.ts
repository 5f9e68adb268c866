import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/cli.js';

const run = promisify(execFile);

// `npm run typecheck` checks test/types/library-calls.ts with everything else; this runs `tsc` on
// that file alone (test/types/tsconfig.json), so that `npm test` also fails when a library input
// loses its type (a call marked @ts-expect-error that compiles is an error) or a right call stops
// compiling.
describe('the public types of the library', () => {
  it('compile the right calls and refuse each wrong one', async () => {
    const calls = readFileSync(join(PROJECT_ROOT, 'test/types/library-calls.ts'), 'utf8');
    expect(calls.match(/@ts-expect-error/g)?.length).toBeGreaterThanOrEqual(30);
    const tsc = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'test/types/tsconfig.json'], {
      cwd: PROJECT_ROOT,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(result.stdout).toBe('');
  });
});
