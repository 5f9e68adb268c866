import type { FastifyInstance } from 'fastify';

/**
 * Every "METHOD /path" the app has registered (HEAD routes Fastify adds are left out), read from
 * `printRoutes()`: a tree whose children repeat only the part of the path after their parent's.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[└├]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.add(`${method} ${stack.join('')}`);
    }
  }
  return [...routes].sort();
}
