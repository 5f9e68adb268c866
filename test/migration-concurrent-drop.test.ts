import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/storage/connection/migrator.js';
import { openPostgres } from '../src/storage/connection/postgres.js';
import { POSTGRES_URL } from './helpers/backends.js';

const name = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/**
 * PostgreSQL only: needs a second connection changing the catalog while an engine migrates.
 *
 * The migrator must look only at its own schema. Kysely's migrator, used at first, introspected
 * every table of every schema by name, and failed with `schema "<other>" does not exist` whenever
 * another session dropped a schema meanwhile: parallel test files do that all the time, and so
 * can anything else sharing the database, which would stop an instance from starting.
 */
describe.skipIf(!POSTGRES_URL)('migrations on a shared PostgreSQL database', () => {
  it('applies the migrations to a fresh schema while other schemas of the database are being dropped', async () => {
    const churn = new pg.Client({ connectionString: POSTGRES_URL });
    await churn.connect();
    let stop = false;
    const churning = (async () => {
      while (!stop) {
        const schema = name('churn');
        const tables = Array.from(
          { length: 10 },
          (_, i) => `create table ${schema}.t${i} (id serial, a text)`,
        );
        await churn.query(`create schema ${schema}; ${tables.join('; ')}`);
        await churn.query(`drop schema ${schema} cascade`);
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const schema = name('migrate');
        await churn.query(`create schema ${schema}`);
        const database = await openPostgres({ url: POSTGRES_URL!, poolSize: 1, schema });
        try {
          await migrateToLatest(database.db);
        } catch (error) {
          failures.push((error as Error).message);
        } finally {
          await database.close();
          await churn.query(`drop schema ${schema} cascade`);
        }
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    expect(failures).toEqual([]);
    // 50 migrations against a database under churn: 15 s on an idle 2-core machine, four times
    // that when the machine is shared; the bound is for a hang, not for speed
  });
});
