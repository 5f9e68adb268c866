import type { CapCounts, Check, CheckName, CheckNote } from '../../domain/decide/decision.js';
import type { FunnelRanking } from '../../domain/funnels/select-funnel.js';
import type { EngagementState } from '../../domain/outcomes/engagement.js';

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
 * [today, perDay, thisWeek, perWeek], the zone of a user whose own zone is unknown, the message
 * that set a consent. A trace of
 * fourteen checks takes about 700 bytes this way, against 2 KB in words.
 */
/** Traces stored before the codes (one object per check, with its words): shown as they are. */
export interface LegacyCheck {
  legacy: Record<string, unknown>;
}

/**
 * The trace as stored, written straight to JSON text: a sweep writes hundreds of traces a batch,
 * and building arrays for `JSON.stringify` took most of the time of writing them.
 */
export function traceJson(trace: readonly Check[], triggerId: string | null): string {
  let out = '[';
  for (let i = 0; i < trace.length; i++) {
    if (i > 0) out += ',';
    out += checkJson(trace[i]!, triggerId);
  }
  return `${out}]`;
}

function checkJson(c: Check, triggerId: string | null): string {
  // check and note are names from closed sets, none of which needs escaping
  const fields = [
    c.triggerId === undefined ? 'null' : c.triggerId === triggerId ? '0' : JSON.stringify(c.triggerId),
    extraJson(c),
    num(c.value),
    num(c.limit),
    num(c.atMs),
    num(c.untilMs),
  ];
  let n = fields.length;
  while (n > 0 && fields[n - 1] === 'null') n--;
  let out = `["${c.check}",${c.passed ? 1 : 0},"${c.note}"`;
  for (let i = 0; i < n; i++) out += `,${fields[i]}`;
  return `${out}]`;
}

function extraJson(c: Check): string {
  if (c.quiet) return `[${num(c.quiet.startMinute)},${num(c.quiet.endMinute)}]`;
  if (c.minutes !== undefined) return num(c.minutes);
  if (c.caps) {
    const k = c.caps;
    return `[${num(k.today)},${num(k.perDay)},${num(k.thisWeek)},${num(k.perWeek)}]`;
  }
  if (c.zone !== undefined) return JSON.stringify(c.zone);
  if (c.eventId !== undefined) return JSON.stringify(c.eventId);
  if (c.engagement) return JSON.stringify(`${c.engagement.state}<${c.engagement.min}`);
  if (c.funnels) return JSON.stringify(c.funnels.map((f) => [f.funnelId, f.verdict, f.score, ...f.matched]));
  return 'null';
}

/** A number as JSON; null for none (and for what JSON cannot hold). */
function num(n: number | null | undefined): string {
  return n === undefined || n === null || !Number.isFinite(n) ? 'null' : String(n);
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
  if (c.check === 'funnel' && Array.isArray(extra))
    c.funnels = (extra as unknown[][]).map(([funnelId, verdict, score, ...matched]) => ({
      funnelId: funnelId as string,
      verdict: verdict as FunnelRanking['verdict'],
      score: score as number,
      matched: matched as string[],
    }));
  else if (c.check === 'quiet_hours' && Array.isArray(extra))
    c.quiet = { startMinute: extra[0] as number, endMinute: extra[1] as number };
  else if (typeof extra === 'number') c.minutes = extra;
  else if (typeof extra === 'string') {
    if (c.check === 'consent') c.eventId = extra;
    else if (c.check === 'engagement') {
      const [state, min] = extra.split('<') as [EngagementState, EngagementState];
      c.engagement = { state, min };
    } else c.zone = extra;
  } else if (Array.isArray(extra)) {
    const [today, perDay, thisWeek, perWeek] = extra as (number | null)[];
    c.caps = { today: today!, perDay: perDay!, thisWeek: thisWeek!, perWeek: perWeek! } satisfies CapCounts;
  }
}
