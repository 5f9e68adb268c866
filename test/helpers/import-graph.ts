import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** One relative import: the importing file and the file it names, both relative to `src/`. */
export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

// `import x from`, `import type {..} from`, `export * from`, `export {..} from`, `import '...'`,
// `import('...')`: every statement that makes one module depend on another, types included.
const STATIC = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative imports of one file's text, resolved against its path (`engine/x/y.ts`). */
export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    const to = normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, typeOnly });
  };
  for (const m of text.matchAll(STATIC)) add(m[3]!, m[2] !== undefined);
  for (const m of text.matchAll(DYNAMIC)) add(m[1]!, false);
  return edges;
}

/** Every `.ts` file under `root`, as paths relative to it, with its text. */
export function readSources(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** A rule of the layering: what one part of `src/` must not import, and why. */
export interface LayerRule {
  name: string;
  /** Whether the rule applies to this importing file. */
  from: (file: string) => boolean;
  /** Whether importing this file breaks it. */
  forbids: (to: string, from: string) => boolean;
}

const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);
const anyOf =
  (...folders: string[]) =>
  (file: string) =>
    folders.some((f) => file.startsWith(`${f}/`));
/** Test code beside the source (unit tests, adapters' contract suites) is not part of the build. */
export const isTestCode = (file: string) => /\.(test|contract)\.ts$/.test(file);

/** The rules of ../shared/DESIGN.md (Layout) and docs/ARCHITECTURE.md, checked on every run. */
export const LAYER_RULES: LayerRule[] = [
  {
    name: 'domain is pure: it imports nothing outside domain/',
    from: under('domain'),
    forbids: (to) => !to.startsWith('domain/'),
  },
  {
    name: 'ports are interfaces over the domain: they import only domain/ and ports/',
    from: under('ports'),
    forbids: (to) => !anyOf('domain', 'ports')(to),
  },
  {
    name: 'the contract imports only domain/, ports/ and itself',
    from: under('contract'),
    forbids: (to) => !anyOf('domain', 'ports', 'contract')(to),
  },
  {
    name: 'storage never imports the engine',
    from: under('storage'),
    forbids: under('engine'),
  },
  {
    name: 'adapters (channels, llm, context) never import the engine',
    from: anyOf('channels', 'llm', 'context'),
    forbids: under('engine'),
  },
  {
    name: 'net (the outbound guard) is a leaf: it imports nothing else of src/',
    from: (file) => file.startsWith('net/') && !isTestCode(file),
    forbids: (to) => !to.startsWith('net/'),
  },
  {
    name: 'the engine reaches channels, llm and context adapters only through ports',
    from: under('engine'),
    forbids: anyOf('channels', 'llm', 'context'),
  },
  {
    name: 'the API never imports storage or the composition root',
    from: under('api'),
    forbids: anyOf('storage', 'app'),
  },
  {
    name: 'production code never imports the test kit (it is the overture/testing subpath)',
    from: (file) => !file.startsWith('testing/') && !isTestCode(file),
    forbids: under('testing'),
  },
  {
    name: 'the kernel imports no stage of the engine',
    from: under('engine/kernel'),
    forbids: (to) => to.startsWith('engine/') && !to.startsWith('engine/kernel/'),
  },
];

export interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Every import that breaks a rule, naming the file pair and the rule. */
export function layerViolations(edges: readonly ImportEdge[], rules = LAYER_RULES): Violation[] {
  const out: Violation[] = [];
  for (const edge of edges) {
    for (const rule of rules) {
      if (rule.from(edge.from) && rule.forbids(edge.to, edge.from)) {
        out.push({ rule: rule.name, from: edge.from, to: edge.to });
      }
    }
  }
  return out;
}

/**
 * The cycles of a directed graph: its strongly connected components with more than one node
 * (Tarjan's algorithm), each listed in sorted order.
 */
export function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return out;
}

/** The graph of files, or of the folders holding them (an edge within one folder is dropped). */
export function graphOf(edges: readonly ImportEdge[], by: 'file' | 'folder') {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = by === 'file' ? from : dirname(from);
    const b = by === 'file' ? to : dirname(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}
