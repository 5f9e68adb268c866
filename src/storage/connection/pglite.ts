import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../ports/logger.js';
import type { Schema } from '../schema.js';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrator.js';
import {
  DEFAULT_TEMPLATE_DIR,
  findPgliteTemplate,
  prepareTemplateDir,
  recordPgliteTemplate,
} from './pglite-template.js';

interface PgliteOptions {
  logger?: Logger;
  /** Where the pre-migrated template is (pglite-template.ts); by default beside the migrations. */
  templateDir?: string;
}

/**
 * PGlite's cluster keeps PostgreSQL's default 128 MB of shared buffers, all of it touched at
 * start: a bare PGlite peaked at 339 MB RSS, 221 MB with 32 MB of buffers (2 cores, Node 20). Pages
 * beyond them are read back through the operating system's file cache (or, in memory, from the
 * same WebAssembly heap), so the engine's own start-up, not the data, is what this trades.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * Opens the embedded database. `dataDir` is a directory (kept across restarts) or `memory://`.
 * A new directory is made from the pre-migrated template when there is a current one
 * (pglite-template.ts), otherwise by PGlite's initdb.
 *
 * Every access goes through one pg-style pool of size 1 over PGlite's node-postgres bridge:
 * PGlite is a single session, so a transaction opened by one component would otherwise capture
 * the queries another component issues meanwhile and roll them back with it. Larger pools over
 * the bridge returned undefined rows. Kysely then queues callers on that one connection.
 */
export async function openPglite(dataDir: string, options: PgliteOptions = {}): Promise<Database> {
  if (dataDir.startsWith('memory://')) {
    const pglite = new PGlite({ startParams: START_PARAMS });
    await pglite.waitReady;
    return wrapPglite(pglite, () => pglite.close());
  }
  const dir = resolve(dataDir);
  const lock = lockDataDir(dir);
  try {
    const pglite = await openPgliteDir(dir, options);
    return wrapPglite(pglite, async () => {
      await pglite.close();
      lock.release();
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * The data directory's cluster, created first when there is none. Creating it writes many files;
 * a marker beside it, removed once the cluster is up, says that a cluster left by a process that
 * died meanwhile is incomplete, and it is made again.
 */
async function openPgliteDir(dir: string, options: PgliteOptions): Promise<PGlite> {
  const pgdata = join(dir, 'pgdata');
  const marker = join(dir, 'pgdata.creating');
  const creating = !existsSync(join(pgdata, 'PG_VERSION')) || existsSync(marker);
  if (creating) {
    rmSync(pgdata, { recursive: true, force: true });
    writeFileSync(marker, '');
    const template = await findPgliteTemplate(options.templateDir ?? DEFAULT_TEMPLATE_DIR);
    if (template.found) template.copyTo(pgdata);
    else options.logger?.info({ dataDir: dir }, `creating the database with initdb: ${template.reason}`);
  }
  const pglite = new PGlite(pgdata, { startParams: START_PARAMS });
  await pglite.waitReady;
  if (creating) rmSync(marker);
  return pglite;
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

/**
 * Makes the pre-migrated template (`npm run build` runs this after compiling): a new cluster in
 * the template's directory, every migration applied, closed cleanly.
 */
export async function makePgliteTemplate(dir = DEFAULT_TEMPLATE_DIR): Promise<void> {
  const pglite = new PGlite(await prepareTemplateDir(dir));
  await pglite.waitReady;
  const database = wrapPglite(pglite, () => pglite.close());
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
  await recordPgliteTemplate(dir);
}
