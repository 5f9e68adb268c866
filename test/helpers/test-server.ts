import type { InjectOptions } from 'fastify';
import type { EngineOptions } from '../../src/app/create-engine.js';
import { createServer, type Server } from '../../src/app/create-server.js';
import type { ConfigInput } from '../../src/config/config.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { type Backend, openTestDatabase } from './backends.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestServer {
  server: Server;
  clock: FakeClock;
  /** Sends a request in process (no socket) with the given key, or none when `key` is null. */
  request(
    options: InjectOptions & { key?: string | null },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The whole HTTP service on an isolated database, with a fake clock and a known admin key. */
export async function startTestServer(
  backend: Backend,
  config: ConfigInput = {},
  options: Pick<EngineOptions, 'channels' | 'lookup' | 'database'> = {},
): Promise<TestServer> {
  const clock = new FakeClock('2026-11-23T12:00:00Z');
  // a database given is one the test prepared (e.g. as an older version left it)
  const database = options.database ?? (await openTestDatabase(backend));
  const server = await createServer(
    { logLevel: 'silent', adminKey: ADMIN_KEY, scheduler: false, ...config },
    { clock, database, ...options },
  );
  return {
    server,
    clock,
    async request({ key = ADMIN_KEY, headers, ...options }) {
      const response = await server.app.inject({
        ...options,
        headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
      });
      const type = String(response.headers['content-type'] ?? '');
      return {
        status: response.statusCode,
        body: type.includes('json') ? response.json() : response.body,
        headers: response.headers,
      };
    },
    close: () => server.close(),
  };
}

/** A valid event, with any field overridden. */
export function event(overrides: Record<string, unknown> = {}) {
  return {
    id: 'e1',
    kind: 'message_in',
    userId: 'u1',
    characterId: 'aria',
    at: '2026-11-23T11:00:00+01:00',
    text: 'hello',
    ...overrides,
  };
}
