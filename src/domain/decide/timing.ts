import { lengthenedGapMinutes, type Standing } from '../outcomes/standing.js';
import {
  type ActDay,
  actDays,
  capsBlockedUntil,
  checkCapsOnDays,
  type ProactiveAct,
} from '../policy/frequency-cap.js';
import type { Caps, Policy, QuietHours } from '../policy/policy.js';
import { quietHoursEnd } from '../policy/quiet-hours.js';
import type { ZoneOffsets } from '../shared/local-time.js';
import type { Trigger } from '../triggers/trigger.js';
import type { Check, CheckName } from './decision.js';

const MINUTE = 60_000;

/** What the timing checks read: the user's zone, their recent acts and when they last wrote. */
interface TimingInputs {
  zone: ZoneOffsets;
  characterId: string;
  acts: readonly ProactiveAct[];
  userLastInboundAtMs: number | null;
  snoozedUntilMs: number | null;
  standing: Standing;
}

/** A check that blocks until an instant: given an instant, the first one from which it allows. */
interface TimingGate {
  readonly check: CheckName;
  allowsFrom(ms: number): number;
  /** Whether it allows every instant from `ms` on. */
  allowsAllFrom(ms: number): boolean;
  /** Its verdict at `ms`, for the trace. */
  traceAt(ms: number, triggerId: string): Check;
}

/**
 * The timing checks of one decision. What does not depend on the trigger (quiet hours, the
 * conversation, the gap, the user's and the character's caps, the local days of the acts) is
 * built once a decision, not once an occasion; the gates are classes rather than closures so that
 * nothing is allocated per check.
 */
export class PairTiming {
  readonly #shared: TimingGate[] = [];
  readonly #caps: TimingGate[];
  readonly #input: TimingInputs;
  readonly #days: readonly ActDay[];

  constructor(input: TimingInputs, policy: Policy) {
    this.#input = input;
    const { zone, acts } = input;
    if (policy.quietHours) this.#shared.push(new QuietGate(zone, policy.quietHours));
    if (input.userLastInboundAtMs !== null && policy.midConversationMinutes > 0) {
      const minutes = policy.midConversationMinutes;
      const end = input.userLastInboundAtMs + minutes * MINUTE;
      this.#shared.push(new UntilGate('mid_conversation', end, minutes));
    }
    const last = latest(acts, null);
    if (last !== null && policy.minGapMinutes > 0) {
      const minutes = policy.minGapMinutes;
      this.#shared.push(new UntilGate('min_gap', last + minutes * MINUTE, minutes));
    }
    if (input.snoozedUntilMs !== null) this.#shared.push(new UntilGate('snooze', input.snoozedUntilMs, 0));
    this.#pairGates(input, policy);
    this.#days = acts.length > 0 ? actDays(zone, acts) : [];
    const ofCharacter = this.#days.filter((a) => a.characterId === input.characterId);
    this.#caps = [
      new CapGate('user_caps', zone, this.#days, policy.userCaps),
      new CapGate('character_caps', zone, ofCharacter, policy.characterCaps),
    ];
  }

  /**
   * The pair's own gates: its gap, lengthened by annoyed replies and negative feedback, after the
   * character's last message; and the next step of the retention ladder after the first message
   * left unanswered since the user last wrote (the ladder's end is a gate check in `decide`).
   */
  #pairGates(input: TimingInputs, policy: Policy) {
    const ofCharacter = input.acts.filter((a) => a.characterId === input.characterId);
    const last = latest(ofCharacter, null);
    const gap = lengthenedGapMinutes(policy.minGapMinutes, input.standing.annoyances);
    if (last !== null && gap !== null) {
      const gate = new UntilGate('pair_gap', last + gap * MINUTE, gap);
      gate.value = input.standing.annoyances;
      this.#shared.push(gate);
    }
    const ladder = policy.retentionLadderMinutes;
    if (ladder === null) return;
    const since = input.standing.sinceMs ?? Number.NEGATIVE_INFINITY;
    let first: number | null = null;
    let count = 0;
    for (const a of ofCharacter)
      if (a.atMs > since) {
        count++;
        if (first === null || a.atMs < first) first = a.atMs;
      }
    if (first !== null && count <= ladder.length) {
      const gate = new UntilGate('ladder', first + ladder[count - 1]! * MINUTE, ladder[count - 1]!);
      gate.value = count;
      this.#shared.push(gate);
    }
  }

  /** The checks that time resolves for one trigger, in the order the trace lists them. */
  gatesFor(trigger: Trigger): TimingGates {
    const gates = this.#shared.slice();
    const lastOfTrigger = latest(this.#input.acts, trigger.id);
    const minutes = trigger.cooldownMinutes;
    if (lastOfTrigger !== null && minutes > 0)
      gates.push(new UntilGate('cooldown', lastOfTrigger + minutes * MINUTE, minutes));
    gates.push(this.#caps[0]!, this.#caps[1]!);
    const ofTrigger = this.#days.filter((a) => a.triggerId === trigger.id);
    gates.push(new CapGate('trigger_caps', this.#input.zone, ofTrigger, trigger.caps));
    return new TimingGates(gates, gates[0]!.check);
  }
}

/** One trigger's timing checks. */
export class TimingGates {
  /** After `earliest`: the check that still blocks at the end of the range, or null. */
  blockedBy: CheckName | null = null;

  constructor(
    private readonly gates: readonly TimingGate[],
    /** Named when the gates never settle (they always do in practice). */
    private readonly first: CheckName,
  ) {}

  /**
   * The earliest instant in [fromMs, untilMs] that every gate allows, setting `blockedBy` to the
   * gate that still blocks at the end when there is none. Each gate only ever moves the instant
   * forward, so this settles in a few rounds.
   */
  earliest(fromMs: number, untilMs: number): number {
    const gates = this.gates;
    let t = fromMs;
    for (let round = 0; round < 64; round++) {
      let blockedBy: CheckName | null = null;
      for (let i = 0; i < gates.length; i++) {
        const gate = gates[i]!;
        const from = gate.allowsFrom(t);
        if (from > t) {
          t = from;
          blockedBy = gate.check;
        }
      }
      this.blockedBy = blockedBy;
      if (blockedBy === null || t > untilMs) return t;
    }
    this.blockedBy = this.first;
    return t;
  }

  /** Each gate's verdict at `ms`, added to the trace; true when every gate allows `ms`. */
  trace(ms: number, triggerId: string, trace: Check[]): boolean {
    let allowed = true;
    for (const gate of this.gates) {
      const check = gate.traceAt(ms, triggerId);
      allowed &&= check.passed;
      trace.push(check);
    }
    return allowed;
  }

  /**
   * The same checks for instants from `ms` on, without those that allow all of them (a gap that
   * has ended, caps with nothing to count): the walk to a good hour tries many instants.
   */
  from(ms: number): TimingGates {
    return new TimingGates(
      this.gates.filter((g) => !g.allowsAllFrom(ms)),
      this.first,
    );
  }
}

class QuietGate implements TimingGate {
  readonly check = 'quiet_hours';

  constructor(
    private readonly zone: ZoneOffsets,
    private readonly quiet: QuietHours,
  ) {}

  allowsFrom(ms: number): number {
    return quietHoursEnd(this.zone, ms, this.quiet);
  }

  allowsAllFrom(): boolean {
    return this.quiet.startMinute === this.quiet.endMinute;
  }

  traceAt(ms: number, triggerId: string): Check {
    const c = verdict(this.check, ms, this.allowsFrom(ms), triggerId);
    c.quiet = this.quiet;
    return c;
  }
}

/** A check that blocks until a fixed instant: the end of a conversation, a gap, a cooldown, a snooze. */
class UntilGate implements TimingGate {
  /** A count the trace shows with it (annoyances for the pair's gap, messages for a ladder step). */
  value: number | undefined;

  constructor(
    readonly check: CheckName,
    private readonly endMs: number,
    private readonly minutes: number,
  ) {}

  allowsFrom(ms: number): number {
    return Math.max(ms, this.endMs);
  }

  allowsAllFrom(ms: number): boolean {
    return ms >= this.endMs;
  }

  traceAt(ms: number, triggerId: string): Check {
    const c = verdict(this.check, ms, this.allowsFrom(ms), triggerId);
    if (this.minutes > 0) c.minutes = this.minutes;
    if (this.value !== undefined) c.value = this.value;
    if (this.check === 'snooze') c.atMs = this.endMs;
    return c;
  }
}

class CapGate implements TimingGate {
  /** No acts to count under caps above zero, or no caps: nothing to convert to local days. */
  readonly #free: boolean;

  constructor(
    readonly check: CheckName,
    private readonly zone: ZoneOffsets,
    private readonly days: readonly ActDay[],
    private readonly caps: Caps,
  ) {
    this.#free =
      (days.length === 0 && (caps.perDay ?? 1) > 0 && (caps.perWeek ?? 1) > 0) ||
      (caps.perDay === null && caps.perWeek === null);
  }

  allowsFrom(ms: number): number {
    if (this.#free) return ms;
    return capsBlockedUntil(this.zone, ms, this.days, this.caps) ?? ms;
  }

  allowsAllFrom(): boolean {
    return this.#free;
  }

  traceAt(ms: number, triggerId: string): Check {
    const { perDay, perWeek } = this.caps;
    if (this.#free && this.days.length === 0) {
      // nothing to count: no local day to find
      const check = verdict(this.check, ms, ms, triggerId);
      check.caps = { today: 0, perDay, thisWeek: 0, perWeek };
      return check;
    }
    const c = checkCapsOnDays(this.zone, ms, this.days, this.caps);
    const from = this.#free ? ms : (c.blockedUntilMs ?? ms);
    const check = verdict(this.check, ms, from, triggerId);
    check.caps = { today: c.today, perDay, thisWeek: c.thisWeek, perWeek };
    return check;
  }
}

function verdict(check: CheckName, ms: number, from: number, triggerId: string): Check {
  const passed = from <= ms;
  const c: Check = { check, passed, note: passed ? 'clear' : 'blocked', triggerId };
  if (!passed) c.untilMs = from;
  return c;
}

/** The instant of the last act (of one trigger, when given). */
function latest(acts: readonly ProactiveAct[], triggerId: string | null): number | null {
  let best: number | null = null;
  for (const act of acts)
    if ((triggerId === null || act.triggerId === triggerId) && (best === null || act.atMs > best))
      best = act.atMs;
  return best;
}
