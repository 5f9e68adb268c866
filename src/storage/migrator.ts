import { readdir, readFile } from 'node:fs/promises';
import { type Migration, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Db } from './database.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * Applies the numbered SQL files in migrations/ that have not run yet, in order.
 *
 * Kysely's migrator takes a PostgreSQL advisory lock and runs all pending files in one
 * transaction, so several instances starting at once on one database apply each file once, and a
 * failing file leaves nothing half-applied. Migrations are forward-only.
 */
export async function migrateToLatest(db: Db, options: { schema?: string } = {}): Promise<MigrationSummary> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: loadSqlMigrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Without a schema Kysely looks for its tables in every schema; isolated schemas need this.
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const summary = summarise(results);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  return summary;
}

export interface MigrationSummary {
  applied: string[];
}

function summarise(results: MigrationResultSet['results']): MigrationSummary {
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

async function loadSqlMigrations(): Promise<Record<string, Migration>> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const migrations: Record<string, Migration> = {};
  for (const file of files) {
    const text = await readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
    // No bind parameters: pg sends it with the simple protocol, which allows several statements.
    migrations[file.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
  }
  return migrations;
}
