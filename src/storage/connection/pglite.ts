import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Schema } from '../schema.js';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';

/**
 * Opens the embedded database. `dataDir` is a directory (kept across restarts) or `memory://`.
 *
 * Every access goes through one pg-style pool of size 1 over PGlite's node-postgres bridge:
 * PGlite is a single session, so a transaction opened by one component would otherwise capture
 * the queries another component issues meanwhile and roll them back with it. Larger pools over
 * the bridge returned undefined rows. Kysely then queues callers on that one connection.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const lock = inMemory ? undefined : lockDataDir(resolve(dataDir));
  try {
    const pglite = new PGlite(inMemory ? undefined : join(resolve(dataDir), 'pgdata'));
    await pglite.waitReady;
    return wrapPglite(pglite, async () => {
      await pglite.close();
      lock?.release();
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Wraps an open PGlite instance; `close` is called once when the database is closed. */
export function wrapPglite(pglite: PGlite, close: () => Promise<void>, schema?: string): Database {
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kind: 'pglite',
    db,
    schema,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await close();
    },
  };
}
