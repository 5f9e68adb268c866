import type { ZoneOffsets } from '../activity/local-time.js';
import { type ActDay, actDays, checkCapsOnDays, type ProactiveAct } from '../policy/frequency-cap.js';
import type { Caps, Policy } from '../policy/policy.js';
import { describeQuietHours, quietHoursEnd } from '../policy/quiet-hours.js';
import type { Trigger } from '../triggers/trigger.js';
import type { Check, CheckName } from './decision.js';

const MINUTE = 60_000;

/** What the timing checks read: the user's zone, their recent acts and when they last wrote. */
export interface TimingInputs {
  zone: ZoneOffsets;
  characterId: string;
  acts: readonly ProactiveAct[];
  userLastInboundAtMs: number | null;
}

/** A check that blocks until an instant: given an instant, the first one from which it allows. */
interface TimingGate {
  check: CheckName;
  allowsFrom(ms: number): number;
  describe(ms: number, allowsFromMs: number): string;
}

/** The checks that time resolves, for one trigger under one policy. */
export function timingGates(input: TimingInputs, trigger: Trigger, policy: Policy): TimingGate[] {
  const gates: TimingGate[] = [];
  const { zone, acts } = input;
  const quiet = policy.quietHours;
  if (quiet)
    gates.push({
      check: 'quiet_hours',
      allowsFrom: (ms) => quietHoursEnd(zone, ms, quiet),
      describe: (ms, from) =>
        from > ms
          ? `in quiet hours ${describeQuietHours(quiet)} local`
          : `outside quiet hours ${describeQuietHours(quiet)} local`,
    });
  if (input.userLastInboundAtMs !== null && policy.midConversationMinutes > 0) {
    const end = input.userLastInboundAtMs + policy.midConversationMinutes * MINUTE;
    gates.push({
      check: 'mid_conversation',
      allowsFrom: (ms) => Math.max(ms, end),
      describe: (ms, from) =>
        from > ms
          ? `the user wrote less than ${policy.midConversationMinutes} min ago`
          : `the user last wrote more than ${policy.midConversationMinutes} min ago`,
    });
  }
  const last = latest(acts, () => true);
  if (last !== null && policy.minGapMinutes > 0)
    gates.push(
      spacing('min_gap', last + policy.minGapMinutes * MINUTE, policy.minGapMinutes, 'any character'),
    );
  const lastOfTrigger = latest(acts, (a) => a.triggerId === trigger.id);
  if (lastOfTrigger !== null && trigger.cooldownMinutes > 0)
    gates.push(
      spacing(
        'cooldown',
        lastOfTrigger + trigger.cooldownMinutes * MINUTE,
        trigger.cooldownMinutes,
        'this trigger',
      ),
    );
  const days = acts.length > 0 ? actDays(zone, acts) : [];
  gates.push(capGate('user_caps', zone, days, policy.userCaps, 'to this user'));
  gates.push(
    capGate(
      'character_caps',
      zone,
      days.filter((a) => a.characterId === input.characterId),
      policy.characterCaps,
      'from this character',
    ),
  );
  gates.push(
    capGate(
      'trigger_caps',
      zone,
      days.filter((a) => a.triggerId === trigger.id),
      trigger.caps,
      'from this trigger',
    ),
  );
  return gates;
}

/**
 * The earliest instant in [fromMs, untilMs] that every gate allows, or the gate that still blocks
 * at the end. Each gate only ever moves the instant forward, so this settles in a few rounds.
 */
export function earliestAllowed(
  gates: readonly TimingGate[],
  fromMs: number,
  untilMs: number,
): { atMs: number } | { blockedBy: CheckName; atMs: number } {
  let t = fromMs;
  for (let round = 0; round < 64; round++) {
    let blockedBy: CheckName | null = null;
    for (const gate of gates) {
      const from = gate.allowsFrom(t);
      if (from > t) {
        t = from;
        blockedBy = gate.check;
      }
    }
    if (blockedBy === null) return { atMs: t };
    if (t > untilMs) return { blockedBy, atMs: t };
  }
  return { blockedBy: gates[0]!.check, atMs: t };
}

/** Each gate's verdict at `ms`, for the trace. */
export function traceGates(gates: readonly TimingGate[], ms: number, triggerId: string): Check[] {
  return gates.map((gate) => {
    const from = gate.allowsFrom(ms);
    const check: Check = {
      check: gate.check,
      passed: from <= ms,
      detail: gate.describe(ms, from),
      triggerId,
    };
    if (from > ms) check.untilMs = from;
    return check;
  });
}

function spacing(check: CheckName, endMs: number, minutes: number, scope: string): TimingGate {
  return {
    check,
    allowsFrom: (ms) => Math.max(ms, endMs),
    describe: (ms, from) =>
      from > ms
        ? `less than ${minutes} min since the last proactive message from ${scope}`
        : `more than ${minutes} min since the last proactive message from ${scope}`,
  };
}

function capGate(
  check: CheckName,
  zone: ZoneOffsets,
  days: readonly ActDay[],
  caps: Caps,
  scope: string,
): TimingGate {
  return {
    check,
    // no acts to count under caps above zero: nothing to convert to local days
    allowsFrom: (ms) =>
      (days.length === 0 && (caps.perDay ?? 1) > 0 && (caps.perWeek ?? 1) > 0) ||
      (caps.perDay === null && caps.perWeek === null)
        ? ms
        : (checkCapsOnDays(zone, ms, days, caps).blockedUntilMs ?? ms),
    describe: (ms) => {
      const c = checkCapsOnDays(zone, ms, days, caps);
      const counts = `${c.today} today (cap ${caps.perDay ?? 'none'}), ${c.thisWeek} this week (cap ${caps.perWeek ?? 'none'}) ${scope}, in the user's local time`;
      return c.blockedUntilMs === null ? counts : `${counts}: cap reached`;
    },
  };
}

function latest(acts: readonly ProactiveAct[], keep: (act: ProactiveAct) => boolean): number | null {
  let best: number | null = null;
  for (const act of acts) if (keep(act) && (best === null || act.atMs > best)) best = act.atMs;
  return best;
}
