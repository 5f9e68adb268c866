import type { ActivityDelta } from '../domain/signals/activity-delta.js';

/** The incremental state shared by users and user_characters, as read back. */
export interface ActivityRecord {
  firstEventAt: Date | null;
  lastEventAt: Date | null;
  lastActivityAt: Date | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  lastSessionStartAt: Date | null;
  lastSessionEndAt: Date | null;
  inboundCount: number;
  outboundCount: number;
  sessionCount: number;
  eventCount: number;
}

export const ACTIVITY_COLUMNS = [
  'first_event_at',
  'last_event_at',
  'last_activity_at',
  'last_inbound_at',
  'last_outbound_at',
  'last_session_start_at',
  'last_session_end_at',
  'inbound_count',
  'outbound_count',
  'session_count',
  'event_count',
] as const;

type ActivityRow = {
  first_event_at: Date | null;
  last_event_at: Date | null;
  last_activity_at: Date | null;
  last_inbound_at: Date | null;
  last_outbound_at: Date | null;
  last_session_start_at: Date | null;
  last_session_end_at: Date | null;
  inbound_count: string | number;
  outbound_count: string | number;
  session_count: string | number;
  event_count: string | number;
};

export function toActivityRecord(row: ActivityRow): ActivityRecord {
  return {
    firstEventAt: row.first_event_at,
    lastEventAt: row.last_event_at,
    lastActivityAt: row.last_activity_at,
    lastInboundAt: row.last_inbound_at,
    lastOutboundAt: row.last_outbound_at,
    lastSessionStartAt: row.last_session_start_at,
    lastSessionEndAt: row.last_session_end_at,
    // bigint comes back as a string; counts stay far below 2^53
    inboundCount: Number(row.inbound_count),
    outboundCount: Number(row.outbound_count),
    sessionCount: Number(row.session_count),
    eventCount: Number(row.event_count),
  };
}

/** One array per column, in the order of ACTIVITY_COLUMNS, for `unnest`. */
export function activityArrays(deltas: readonly ActivityDelta[]): unknown[][] {
  return [
    deltas.map((d) => d.firstEventAt),
    deltas.map((d) => d.lastEventAt),
    deltas.map((d) => d.lastActivityAt),
    deltas.map((d) => d.lastInboundAt),
    deltas.map((d) => d.lastOutboundAt),
    deltas.map((d) => d.lastSessionStartAt),
    deltas.map((d) => d.lastSessionEndAt),
    deltas.map((d) => d.inboundCount),
    deltas.map((d) => d.outboundCount),
    deltas.map((d) => d.sessionCount),
    deltas.map((d) => d.eventCount),
  ];
}
