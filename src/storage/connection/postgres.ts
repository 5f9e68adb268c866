import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../ports/logger.js';
import type { Schema } from '../schema.js';
import type { Database } from './database.js';
import { openNotifyChannel } from './notify.js';

interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Put the tables in this schema instead of the search path's first (isolated test schemas). */
  schema?: string;
  logger?: Logger;
}

/** Opens a pool on a PostgreSQL server; any number of engine instances may share one database. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: 'overture',
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client whose server goes away emits 'error' on the pool; without a listener that
  // would crash the process. The next query reconnects.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'postgres connection lost'));
  const client = await pool.connect(); // fail fast with the server's own message
  client.release();
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kind: 'postgres',
    db,
    schema: options.schema,
    openChannel: (base, handlers) =>
      openNotifyChannel({ logger: options.logger, ...handlers, url: options.url, db, base }),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return name;
}
