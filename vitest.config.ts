import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each worker holds a PGlite instance (~300-800 MB); two match this machine's two cores.
    pool: 'forks',
    maxWorkers: 2,
    // Outer bounds, above the tests' own waits on conditions (test/helpers/patience.ts): a shared
    // CI machine under load may take minutes to start PGlite or a process. A passing test never
    // waits for them; no test may depend on how fast the machine is.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
