import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { databaseFault, unavailableError } from './database-fault.js';
import type { DatabaseStatus } from './database-status.js';

/**
 * The pg pool as Kysely sees it, with every connection and statement watched: a failure for
 * want of the database (refused, reset, timed out, the server shutting down) reaches the caller
 * as `OvertureError('unavailable')` with the driver's error as its cause, and moves `status`; an
 * answer moves it back. A statement given up after `queryTimeoutMs` without an answer (a frozen
 * server, a partition) gets its connection dropped instead of returned to the pool, where the
 * next statement would queue behind the one still waiting. Other errors pass unchanged. Ending
 * the pool is its owner's (several Kysely instances may share it): `end` here does nothing.
 */
export function observedPool(
  pool: pg.Pool,
  status: DatabaseStatus,
  queryTimeoutMs: number | undefined,
): PostgresPool {
  const fail = (error: unknown): never => {
    const fault = databaseFault(error);
    if (!fault) throw error;
    status.failed(fault, error);
    throw unavailableError(fault, error);
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect().catch(fail);
      let broken: Error | undefined;
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query<R>(
        sql: string | PostgresCursor<R>,
        parameters?: ReadonlyArray<unknown>,
      ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof sql !== 'string') return client.query(sql as never) as unknown as PostgresCursor<R>;
        const config: pg.QueryConfig & { query_timeout?: number } = {
          text: sql,
          values: parameters as unknown[],
          ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}),
        };
        return client.query(config).then(
          (result) => {
            status.answered();
            return result as unknown as PostgresQueryResult<R>;
          },
          (error: unknown) => {
            if (databaseFault(error) === 'unreachable') broken = error as Error;
            return fail(error);
          },
        );
      }
      return {
        query,
        // a connection that failed for want of the server is closed, not pooled again
        release: () => client.release(broken),
      };
    },
    end: async () => {},
  };
}
