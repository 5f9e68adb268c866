import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/** An open database: PGlite in process or a PostgreSQL pool, behind the same Kysely handle. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** The schema the tables live in, when not the default search path (isolated test schemas). */
  readonly schema?: string;
  close(): Promise<void>;
}

export type Db = Kysely<Schema>;
