import type { Config } from '../../config/config.js';
import type { Logger } from '../../ports/logger.js';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

/** PostgreSQL when `databaseUrl` is set, otherwise the embedded PGlite database in `dataDir`. */
export function openDatabase(config: Config, logger: Logger): Promise<Database> {
  return config.databaseUrl
    ? openPostgres({
        url: config.databaseUrl,
        poolSize: config.poolSize,
        logger,
        timeouts: {
          connectMs: config.databaseConnectTimeoutMs,
          statementMs: config.databaseStatementTimeoutMs,
        },
      })
    : openPglite(config.dataDir);
}
