import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Db } from '../schema.js';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

interface MigrationSummary {
  applied: string[];
}

/**
 * Applies the numbered SQL files in migrations/ that have not run yet, in order, in one
 * transaction: a failing file leaves nothing half-applied.
 *
 * Instances starting together serialise on a transaction-level advisory lock keyed by the
 * schema, so each file runs once. Everything it reads is in its own schema (the search path's
 * first): Kysely's migrator, used before, looked for its tables across every schema of the
 * database and failed whenever another schema was dropped at that moment. A database holding a
 * migration this version does not know was upgraded by a newer Overture; it is refused rather
 * than run against. Migrations are forward-only.
 */
export async function migrateToLatest(db: Db, options: { through?: string } = {}): Promise<MigrationSummary> {
  const { through } = options;
  // `through` (a number such as '0014') stops there: tests build a database as an older version left it
  const migrations = (await loadMigrations()).filter(
    (m) => through === undefined || m.name.slice(0, 4) <= through,
  );
  return db.transaction().execute(async (trx) => {
    // a migration may rewrite a large table, or wait here for another instance's: no statement timeout
    await sql`set local statement_timeout = 0`.execute(trx);
    await sql`select pg_advisory_xact_lock(hashtext('overture.migrate.' || current_schema()))`.execute(trx);
    await sql`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default clock_timestamp()
    )`.execute(trx);
    const { rows } = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(
      trx,
    );
    const known = new Set(migrations.map((m) => m.name));
    const unknown = rows.map((r) => r.name).filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `the database has migrations this version of Overture does not know (${unknown.join(', ')}); ` +
          'it was migrated by a newer version: run that version, or restore a backup',
      );
    }
    const done = new Set(rows.map((r) => r.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      try {
        // No bind parameters: pg sends it with the simple protocol, which allows several statements.
        await sql.raw(migration.sql).execute(trx);
      } catch (error) {
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      await sql`insert into schema_migrations (name) values (${migration.name})`.execute(trx);
      applied.push(migration.name);
    }
    return { applied };
  });
}

/**
 * A SHA-256 of every migration's name and text: what a pre-migrated data directory
 * (pglite-template.ts) records, so that one made from other migrations is never used.
 */
export async function migrationsDigest(): Promise<string> {
  const hash = createHash('sha256');
  for (const migration of await loadMigrations()) hash.update(`${migration.name}\0${migration.sql}\0`);
  return hash.digest('hex');
}

async function loadMigrations(): Promise<{ name: string; sql: string }[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => FILE_NAME.test(f)).sort();
  const numbers = files.map((f) => f.slice(0, 4));
  const repeated = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (repeated) throw new Error(`two migrations are numbered ${repeated}`);
  return Promise.all(
    files.map(async (file) => ({
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}
