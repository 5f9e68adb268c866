import { createLogger } from '../app/logger.js';
import { loadConfig } from '../config/config.js';
import { parseCommand } from './args.js';

const USAGE = `Usage: overture migrate

Applies pending migrations to the database named by DATABASE_URL, or to the embedded PGlite
database in OVERTURE_DATA_DIR (default ./.overture), then exits. Safe to run while other
instances start: migrations take a lock and run in one transaction.`;

export async function migrateCommand(args: string[]): Promise<number> {
  if (!parseCommand(args, USAGE, {})) return 0;
  const config = loadConfig(process.env);
  // loaded once the arguments are read: `migrate --help` needs no database driver
  const [{ openDatabase }, { migrateToLatest }] = await Promise.all([
    import('../storage/connection/open-database.js'),
    import('../storage/connection/migrator.js'),
  ]);
  const database = await openDatabase(config, createLogger(config));
  try {
    const { applied } = await migrateToLatest(database.migrationDb ?? database.db);
    console.log(applied.length === 0 ? 'database is up to date' : `applied ${applied.join(', ')}`);
    return 0;
  } finally {
    await database.close();
  }
}
