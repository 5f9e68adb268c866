import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../ports/logger.js';
import type { Schema } from '../schema.js';
import type { Database } from './database.js';
import { databaseFault, unavailableError } from './database-fault.js';
import { DatabaseStatus } from './database-status.js';
import { openNotifyChannel } from './notify.js';
import { observedPool } from './observed-pool.js';

/** How long the engine waits for the database; absent, it waits as long as the driver does. */
export interface DatabaseTimeouts {
  /** Opening a session, and waiting for a free pooled connection, in ms. */
  connectMs: number;
  /**
   * The server cancels a statement running longer (`statement_timeout`); one that has no answer
   * this long plus `QUERY_GRACE_MS` (a frozen server) is given up and its connection dropped.
   * 0: no bound. Migrations are not bounded.
   */
  statementMs: number;
}

/** Past the statement timeout, the server's own cancellation has this long to arrive. */
const QUERY_GRACE_MS = 2_000;

interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Put the tables in this schema instead of the search path's first (isolated test schemas). */
  schema?: string;
  logger?: Logger;
  timeouts?: DatabaseTimeouts;
}

/** Opens a pool on a PostgreSQL server; any number of engine instances may share one database. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const { connectMs, statementMs } = options.timeouts ?? { connectMs: 0, statementMs: 0 };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    application_name: 'overture',
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
    ...(connectMs ? { connectionTimeoutMillis: connectMs } : {}),
    ...(statementMs ? { statement_timeout: statementMs } : {}),
    // a connection whose peer vanished (a dropped route, a NAT timeout) is noticed
    keepAlive: true,
  });
  const status = new DatabaseStatus(options.logger);
  // A session the server ends (a restart, a failover, a pooler restart, pg_terminate_backend)
  // emits 'error': on the pool when its client is idle, but on the client itself when it is
  // checked out, between two queries of a transaction say, where pg-pool has taken its own
  // listener off. Without one there the process exits. The query in flight fails (its caller
  // sees the error and its transaction is rolled back); the pool drops the broken client and
  // the next query opens a new session, so the engine comes back when the server does.
  // A lost session is reported through `status` (one line when the database goes away), or at
  // debug level when the server is still there (one session ended).
  const lost = (error: Error) => {
    const fault = databaseFault(error);
    if (fault) status.failed(fault, error);
    options.logger?.debug({ reason: error.message }, 'postgres connection lost');
  };
  pool.on('error', lost);
  pool.on('connect', (client) => {
    client.on('error', lost);
    status.answered();
  });
  try {
    (await pool.connect()).release(); // fail fast
  } catch (error) {
    await pool.end();
    const fault = databaseFault(error);
    throw fault ? unavailableError(fault, error) : error;
  }
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({
      pool: observedPool(pool, status, statementMs ? statementMs + QUERY_GRACE_MS : undefined),
    }),
  });
  // Migrations may rewrite large tables, or wait for another instance's: the same connections,
  // without the client-side bound (the migrator lifts the server's in its transaction).
  const unbounded = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: observedPool(pool, status, undefined) }),
  });
  let closed = false;
  return {
    kind: 'postgres',
    db,
    migrationDb: unbounded,
    schema: options.schema,
    openChannel: (base, handlers) =>
      openNotifyChannel({
        logger: options.logger,
        ...handlers,
        url: options.url,
        db,
        base,
        connectTimeoutMs: connectMs || undefined,
      }),
    async close() {
      if (closed) return;
      closed = true;
      await unbounded.destroy();
      await db.destroy();
      await pool.end(); // here: Kysely ends its pool only if it ever used it
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid schema name: ${name}`);
  return name;
}
