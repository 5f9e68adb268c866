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
  // A session the server ends (a restart, a failover, a pooler restart, pg_terminate_backend)
  // emits 'error': on the pool when its client is idle, but on the client itself when it is
  // checked out, between two queries of a transaction say, where pg-pool has taken its own
  // listener off. Without one there the process exits. The query in flight fails (its caller
  // sees the error and its transaction is rolled back); the pool drops the broken client and
  // the next query opens a new session, so the engine comes back when the server does.
  const lost = (error: Error) => options.logger?.warn({ err: error }, 'postgres connection lost');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
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
