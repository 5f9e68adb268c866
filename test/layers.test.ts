import { describe, expect, it } from 'vitest';
import {
  cyclesOf,
  graphOf,
  type ImportEdge,
  importsOf,
  isTestCode,
  layerViolations,
  readSources,
} from './helpers/import-graph.js';

// The layering of ../shared/DESIGN.md (Layout), read from the import lines of src/**/*.ts, type-only
// imports included. A failure names the file pair and the rule it breaks.
const SOURCES = readSources(new URL('../src', import.meta.url).pathname);
const EDGES: ImportEdge[] = [...SOURCES].flatMap(([file, text]) => importsOf(file, text));
const BUILT = EDGES.filter((e) => !isTestCode(e.from));

const show = (lines: string[]) => (lines.length === 0 ? '' : `\n  ${lines.join('\n  ')}`);

describe('the layers of src/', () => {
  it('reads the imports of every source file', () => {
    expect(SOURCES.size).toBeGreaterThan(100);
    // every relative import names a file that exists: a parsing slip would hide violations
    const missing = EDGES.filter((e) => !SOURCES.has(e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(show(missing)).toBe('');
  });

  it('keeps every rule', () => {
    const broken = layerViolations(EDGES).map((v) => `${v.from} -> ${v.to}: ${v.rule}`);
    expect(show(broken)).toBe('');
  });

  it('has no import cycle between files', () => {
    const cycles = cyclesOf(graphOf(BUILT, 'file')).map((c) => c.join(' <-> '));
    expect(show(cycles)).toBe('');
  });

  it('has no import cycle between folders', () => {
    const cycles = cyclesOf(graphOf(BUILT, 'folder')).map((c) => c.join(' <-> '));
    expect(show(cycles)).toBe('');
  });

  it('leaves no file at the top of src/engine', () => {
    const top = [...SOURCES.keys()].filter((f) => /^engine\/[^/]+$/.test(f));
    expect(top).toEqual([]);
  });
});

describe('the layer check itself', () => {
  const edgesOf = (files: Record<string, string>) =>
    Object.entries(files).flatMap(([file, text]) => importsOf(file, text));

  it('reads static, type-only, re-export, side-effect and dynamic imports across lines', () => {
    const edges = importsOf(
      'engine/delivery/x.ts',
      [
        "import { a } from '../kernel/a.js';",
        "import type {\n  B,\n  C,\n} from '../../storage/b.js';",
        "export * from './c.js';",
        "import '../../config/d.js';",
        "const e = await import('../../llm/e.js');",
        "import { z } from 'zod';",
      ].join('\n'),
    );
    expect(edges).toEqual([
      { from: 'engine/delivery/x.ts', to: 'engine/kernel/a.ts', typeOnly: false },
      { from: 'engine/delivery/x.ts', to: 'storage/b.ts', typeOnly: true },
      { from: 'engine/delivery/x.ts', to: 'engine/delivery/c.ts', typeOnly: false },
      { from: 'engine/delivery/x.ts', to: 'config/d.ts', typeOnly: false },
      { from: 'engine/delivery/x.ts', to: 'llm/e.ts', typeOnly: false },
    ]);
  });

  it('names the file pair and the rule of a forbidden import, type-only ones included', () => {
    const violations = layerViolations(
      edgesOf({
        'domain/decide/decide.ts': "import type { Db } from '../../storage/schema.js';",
        'storage/user.repository.ts': "import { getUser } from '../engine/accounts/users.js';",
        'engine/kernel/resources.ts': "import type { TriggerCache } from '../triggers/trigger-cache.js';",
        'api/users.routes.ts': "import type { Engine } from '../app/create-engine.js';",
        'app/create-engine.ts': "import { FileClock } from '../testing/file-clock.js';",
        'channels/telegram/telegram-channel.test.ts': "import { x } from '../../testing/fake.js';",
        'net/outbound-guard.ts': "import type { Config } from '../config/config.js';",
      }),
    );
    expect(violations.map((v) => `${v.from} -> ${v.to}`)).toEqual([
      'domain/decide/decide.ts -> storage/schema.ts',
      'storage/user.repository.ts -> engine/accounts/users.ts',
      'engine/kernel/resources.ts -> engine/triggers/trigger-cache.ts',
      'api/users.routes.ts -> app/create-engine.ts',
      'app/create-engine.ts -> testing/file-clock.ts',
      'net/outbound-guard.ts -> config/config.ts',
    ]);
    expect(violations[0]!.rule).toMatch(/domain is pure/);
  });

  it('finds a cycle between folders through files that do not form one', () => {
    const edges = edgesOf({
      'storage/schema.ts': "import type { S } from '../contract/s.js';",
      'contract/t.ts': "import type { R } from '../storage/r.js';",
    });
    expect(cyclesOf(graphOf(edges, 'file'))).toEqual([]);
    expect(cyclesOf(graphOf(edges, 'folder'))).toEqual([['contract', 'storage']]);
  });
});
