import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CliRunner, freePort, waitHealthy } from './helpers/cli.js';

// What `overture serve` loads before it answers: the channel and model SDKs load with the first
// adapter or model made (src/app/channel-adapters.ts, src/llm/model-provider.ts), not at start,
// where they were a third of the modules loaded.

/** Packages that a start which sends and composes nothing must not load. */
const LATER = [
  'grammy',
  '@discordjs/rest',
  '@slack/web-api',
  'ai',
  '@ai-sdk/openai-compatible',
  '@ai-sdk/anthropic',
];

/** A module hook that appends every bare specifier the process imports to `file`, one per line. */
function recorder(dir: string, file: string): string {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^[./]|^node:|^file:/.test(specifier)) appendFileSync(${JSON.stringify(file)}, specifier + '\\n');
  return next(specifier, context);
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  return register;
}

describe('overture serve, as it starts', () => {
  const cli = new CliRunner();
  afterAll(() => cli.cleanup());

  it('answers /health without loading a channel or model SDK', async () => {
    const dir = cli.tempDir();
    const imported = join(dir, 'imported.txt');
    writeFileSync(imported, '');
    const port = await freePort();
    const proc = cli.spawnNode(
      ['--import', recorder(dir, imported), '--import', 'tsx', 'src/cli/main.ts', 'serve'],
      { OVERTURE_DATA_DIR: 'memory://', PORT: String(port), LOG_LEVEL: 'warn' },
    );
    await waitHealthy(proc, port);
    proc.child.kill('SIGTERM');
    expect((await proc.waitForExit()).code, proc.stderr).toBe(0);

    const packages = new Set(
      readFileSync(imported, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((specifier) =>
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
    );
    // the hook saw the start's own imports, so an empty answer below means something
    expect([...packages]).toEqual(expect.arrayContaining(['fastify', 'kysely', '@electric-sql/pglite']));
    expect(LATER.filter((name) => packages.has(name))).toEqual([]);
  });
});
