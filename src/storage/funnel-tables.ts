import type { ColumnType } from 'kysely';
import type { FunnelStatus } from '../domain/funnels/funnel.js';

/** Row types of the funnel tables (migration 0027). */

type Timestamp = ColumnType<Date, Date, Date>;
type Json<T> = ColumnType<T, string, string>;

export interface FunnelsTable {
  tenant_id: string;
  funnel_id: string;
  name: string;
  /** The current version; each PUT adds one to `funnel_versions`. */
  version: number;
  deleted_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FunnelVersionsTable {
  tenant_id: string;
  funnel_id: string;
  version: number;
  /** The template as given (start, audience, steps), without its id and name. */
  definition: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface FunnelRunsTable {
  tenant_id: string;
  user_id: string;
  run_id: string;
  character_id: string;
  funnel_id: string;
  version: number;
  trigger_id: string;
  decision_id: string;
  hook_suggestion_id: string;
  status: FunnelStatus;
  step_id: string;
  /** Steps sent before this one: the hook is 0. A button carries it. */
  seq: ColumnType<number, number | undefined, number>;
  step_sent_at: Timestamp | null;
  due_at: Timestamp | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface FunnelEventsTable {
  tenant_id: string;
  user_id: string;
  run_id: string;
  event_no: number;
  funnel_id: string;
  character_id: string;
  type: string;
  reason: string;
  step_id: string;
  seq: number;
  message_id: string | null;
  /** The answer given for a typed reply, for the same message forwarded again. */
  answer: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  at: Timestamp;
}
