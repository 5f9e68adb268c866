import { ACTIVITY_FIELDS, type ActivityDelta, type ActivityField } from '../domain/signals/activity-delta.js';

/** `lastInboundAt` → `last_inbound_at`, in the type system as at run time. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Uppercase<Head> ? `_${Lowercase<Head>}` : Head}${SnakeCase<Tail>}`
  : S;
type ActivityColumn = SnakeCase<ActivityField>;

/** The columns of the incremental state shared by users and user_characters, in the domain's order. */
export const ACTIVITY_COLUMNS = ACTIVITY_FIELDS.map((field) =>
  field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
) as readonly ActivityColumn[];

/** The incremental state as read back: an instant may be missing, a count is a number. */
export type ActivityRecord = {
  [F in ActivityField]: F extends `${string}Count` ? number : Date | null;
};

type ActivityRow = { [C in ActivityColumn]: C extends `${string}_count` ? string | number : Date | null };

export function toActivityRecord(row: ActivityRow): ActivityRecord {
  const record: Record<string, Date | number | null> = {};
  ACTIVITY_FIELDS.forEach((field, i) => {
    const value = row[ACTIVITY_COLUMNS[i]!];
    // bigint comes back as a string; counts stay far below 2^53
    record[field] = typeof value === 'string' || typeof value === 'number' ? Number(value) : value;
  });
  return record as ActivityRecord;
}

/** One array per column, in the order of ACTIVITY_COLUMNS, for `unnest`. */
export function activityArrays(deltas: readonly ActivityDelta[]): unknown[][] {
  return ACTIVITY_FIELDS.map((field) => deltas.map((d) => d[field]));
}
