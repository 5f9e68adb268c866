import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';

/** Runs `use` with a fresh client on `url`, closed afterwards. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty PostgreSQL database on the server of `serverUrl` for each test, dropped (with
 * any session left on it) afterwards: for tests whose engine processes each open their own pool.
 * `after` runs before the drop (stop the processes there).
 */
export function useScratchDatabase(serverUrl: string, prefix: string, after?: () => Promise<void>) {
  const scratch = { url: '', name: '' };
  beforeEach(async () => {
    scratch.name = `${prefix}_${randomBytes(6).toString('hex')}`;
    await withClient(serverUrl, (client) => client.query(`create database ${scratch.name}`));
    const url = new URL(serverUrl);
    url.pathname = `/${scratch.name}`;
    scratch.url = url.toString();
  });
  afterEach(async () => {
    await after?.();
    await withClient(serverUrl, (client) =>
      client.query(`drop database if exists ${scratch.name} with (force)`),
    );
  });
  return {
    get url() {
      return scratch.url;
    },
    /** The rows of one statement on the scratch database. */
    query: <T = Record<string, unknown>>(text: string) =>
      withClient(scratch.url, async (client) => (await client.query(text)).rows as T[]),
  };
}
