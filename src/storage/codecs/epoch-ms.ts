import { type RawBuilder, sql } from 'kysely';

/**
 * A timestamptz column read as milliseconds since 1970 (int8; null stays null), for statements
 * whose callers only ever want `getTime()`: parsing PostgreSQL's text form into a Date (a regular
 * expression and a Date per value in the driver) cost more client CPU than the rest of the row.
 * `floor` of the exact numeric is what `new Date(text).getTime()` gives, sub-millisecond digits
 * included (the driver truncates them too).
 */
export function epochMs(column: string): RawBuilder<string | null> {
  return sql<string | null>`floor(extract(epoch from ${sql.ref(column)}) * 1000)::int8`;
}

/** An `epochMs` value as a number (int8 arrives as text, exact up to 2^53 ms). */
export function fromEpochMs(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

/**
 * The other way: an int8 of milliseconds since 1970 (a column or parameter) as a timestamptz,
 * exactly (a float division by 1000 rounds some values).
 */
export function fromEpochMsSql(column: string): RawBuilder<Date | null> {
  return sql<Date | null>`timestamptz 'epoch' + ${sql.ref(column)} * interval '1 millisecond'`;
}
