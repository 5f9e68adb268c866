import type { CapCounts, Check, CheckName, CheckNote } from '../domain/decide/decision.js';

/**
 * A decision's trace as it is stored: codes and numbers, never words (`describeCheck` makes them
 * when the trace is shown). Each check is a JSON array
 *
 *   [check, passed (1 or 0), note, trigger, extra, value, limit, atMs, untilMs]
 *
 * with trailing nulls left out. `trigger` is null for a check of no trigger, 0 for the trigger the
 * decision is about (its `trigger_id` column: most checks of a trace are its), else the trigger's
 * id. `extra` holds what the check's words need beyond that: the quiet window as
 * [startMinute, endMinute], the minutes of a conversation, gap or cooldown, a cap's
 * [today, perDay, thisWeek, perWeek], the zone of a user whose own zone is unknown. A trace of
 * fourteen checks takes about 700 bytes this way, against 2 KB in words.
 */
export type StoredCheck = readonly unknown[];

/** Traces stored before the codes (one object per check, with its words): shown as they are. */
export interface LegacyCheck {
  legacy: Record<string, unknown>;
}

export function encodeTrace(trace: readonly Check[], triggerId: string | null): StoredCheck[] {
  return trace.map((c) => encodeCheck(c, triggerId));
}

function encodeCheck(c: Check, triggerId: string | null): StoredCheck {
  const out: unknown[] = [
    c.check,
    c.passed ? 1 : 0,
    c.note,
    c.triggerId === undefined ? null : c.triggerId === triggerId ? 0 : c.triggerId,
    extraOf(c),
    c.value ?? null,
    c.limit ?? null,
    c.atMs ?? null,
    c.untilMs ?? null,
  ];
  let n = out.length;
  while (n > 3 && out[n - 1] === null) n--;
  out.length = n;
  return out;
}

function extraOf(c: Check): unknown {
  if (c.quiet) return [c.quiet.startMinute, c.quiet.endMinute];
  if (c.minutes !== undefined) return c.minutes;
  if (c.caps) return [c.caps.today, c.caps.perDay, c.caps.thisWeek, c.caps.perWeek];
  if (c.zone !== undefined) return c.zone;
  return null;
}

/** A stored trace read back; `triggerId` is the decision's. */
export function decodeTrace(stored: unknown, triggerId: string | null): (Check | LegacyCheck)[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((item): Check | LegacyCheck =>
    Array.isArray(item) ? decodeCheck(item, triggerId) : { legacy: item as Record<string, unknown> },
  );
}

function decodeCheck(item: readonly unknown[], triggerId: string | null): Check {
  const [check, passed, note, trigger, extra, value, limit, atMs, untilMs] = item;
  const c: Check = { check: check as CheckName, passed: passed === 1, note: note as CheckNote };
  if (trigger === 0) {
    if (triggerId !== null) c.triggerId = triggerId;
  } else if (typeof trigger === 'string') c.triggerId = trigger;
  if (typeof value === 'number') c.value = value;
  if (typeof limit === 'number') c.limit = limit;
  if (typeof atMs === 'number') c.atMs = atMs;
  if (typeof untilMs === 'number') c.untilMs = untilMs;
  if (extra !== null && extra !== undefined) addExtra(c, extra);
  return c;
}

function addExtra(c: Check, extra: unknown) {
  if (c.check === 'quiet_hours' && Array.isArray(extra))
    c.quiet = { startMinute: extra[0] as number, endMinute: extra[1] as number };
  else if (typeof extra === 'number') c.minutes = extra;
  else if (typeof extra === 'string') c.zone = extra;
  else if (Array.isArray(extra)) {
    const [today, perDay, thisWeek, perWeek] = extra as (number | null)[];
    c.caps = { today: today!, perDay: perDay!, thisWeek: thisWeek!, perWeek: perWeek! } satisfies CapCounts;
  }
}
