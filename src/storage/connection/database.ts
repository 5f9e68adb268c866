import { type Kysely, sql } from 'kysely';
import type { Schema } from '../schema.js';
import type { NotifyChannel, NotifyHandlers } from './notify.js';

/** An open database: PGlite in process or a PostgreSQL pool, behind the same Kysely handle. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** The schema the tables live in, when not the default search path (isolated test schemas). */
  readonly schema?: string;
  /**
   * PostgreSQL only: a LISTEN/NOTIFY channel shared with every instance on this database and
   * schema (storage/connection/notify.ts). PGlite has none: one process holds it, so there are no others.
   */
  openChannel?(base: string, handlers: NotifyHandlers): Promise<NotifyChannel>;
  close(): Promise<void>;
}

/** Resolves when the database answers a trivial query; rejects with the driver's error otherwise. */
export async function pingDatabase(db: Kysely<Schema>): Promise<void> {
  await sql`select 1`.execute(db);
}
