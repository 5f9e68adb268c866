import { type Kysely, sql } from 'kysely';
import { OvertureError } from '../../contract/errors.js';
import type { Schema } from '../schema.js';
import type { NotifyChannel, NotifyHandlers } from './notify.js';

/** An open database: PGlite in process or a PostgreSQL pool, behind the same Kysely handle. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Schema>;
  /**
   * PostgreSQL: the same connections without the statement timeouts, for migrations (which may
   * rewrite large tables or wait for another instance's). Elsewhere `db` serves.
   */
  readonly migrationDb?: Kysely<Schema>;
  /** The schema the tables live in, when not the default search path (isolated test schemas). */
  readonly schema?: string;
  /**
   * PostgreSQL only: a LISTEN/NOTIFY channel shared with every instance on this database and
   * schema (storage/connection/notify.ts). PGlite has none: one process holds it, so there are no others.
   */
  openChannel?(base: string, handlers: NotifyHandlers): Promise<NotifyChannel>;
  close(): Promise<void>;
}

/**
 * Resolves when the database answers a trivial query within `timeoutMs`; rejects with why it
 * does not (`OvertureError('unavailable')` when it is out of reach or does not answer in time).
 */
export async function pingDatabase(db: Kysely<Schema>, timeoutMs: number): Promise<void> {
  const ping = sql`select 1`.execute(db);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new OvertureError('unavailable', `the database did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  ping.catch(() => {}); // still settles after a lost race; its error is not news then
  try {
    await Promise.race([ping, late]);
  } finally {
    clearTimeout(timer);
  }
}
