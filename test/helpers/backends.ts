import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll } from 'vitest';
import type { Database } from '../../src/storage/connection/database.js';
import { wrapPglite } from '../../src/storage/connection/pglite.js';
import { openPostgres } from '../../src/storage/connection/postgres.js';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI sets it). */
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const POSTGRES_URL = process.env.DATABASE_URL;

/**
 * An isolated database for one test: a fresh schema, empty until the engine migrates it. On
 * PGlite the schemas live in one in-memory instance per test file (starting one costs seconds
 * and hundreds of MB); tests in a file run one after another, so they never share the session.
 */
export async function openTestDatabase(backend: Backend): Promise<Database> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  if (backend === 'postgres') {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const database = await openPostgres({ url: POSTGRES_URL!, poolSize: 5, schema });
    let closing: Promise<void> | undefined;
    return {
      ...database,
      close() {
        // idempotent, like the databases it stands for: a test may close it before afterEach does
        closing ??= (async () => {
          await database.close();
          const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
          await cleanup.connect();
          await cleanup.query(`drop schema ${schema} cascade`);
          await cleanup.end();
        })();
        return closing;
      },
    };
  }
  const pglite = await sharedPglite();
  await pglite.exec(`create schema ${schema}; set search_path to ${schema};`);
  return wrapPglite(
    pglite,
    async () => {
      await pglite.exec(`set search_path to public; drop schema ${schema} cascade;`);
    },
    schema,
  );
}

let pglitePromise: Promise<PGlite> | undefined;

function sharedPglite(): Promise<PGlite> {
  if (!pglitePromise) {
    pglitePromise = PGlite.create();
    afterAll(async () => {
      const instance = await pglitePromise;
      pglitePromise = undefined;
      await instance?.close();
    });
  }
  return pglitePromise;
}
