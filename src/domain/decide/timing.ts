import type { ZoneOffsets } from '../activity/local-time.js';
import {
  type ActDay,
  actDays,
  capsBlockedUntil,
  checkCapsOnDays,
  type ProactiveAct,
} from '../policy/frequency-cap.js';
import type { Caps, Policy, QuietHours } from '../policy/policy.js';
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
  readonly check: CheckName;
  allowsFrom(ms: number): number;
  describe(ms: number, allowsFromMs: number): string;
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
      this.#shared.push(
        new UntilGate(
          'mid_conversation',
          input.userLastInboundAtMs + minutes * MINUTE,
          `the user wrote less than ${minutes} min ago`,
          `the user last wrote more than ${minutes} min ago`,
        ),
      );
    }
    const last = latest(acts, null);
    if (last !== null && policy.minGapMinutes > 0)
      this.#shared.push(spacing('min_gap', last, policy.minGapMinutes, 'any character'));
    this.#days = acts.length > 0 ? actDays(zone, acts) : [];
    const ofCharacter = this.#days.filter((a) => a.characterId === input.characterId);
    this.#caps = [
      new CapGate('user_caps', zone, this.#days, policy.userCaps, 'to this user'),
      new CapGate('character_caps', zone, ofCharacter, policy.characterCaps, 'from this character'),
    ];
  }

  /** The checks that time resolves for one trigger, in the order the trace lists them. */
  gatesFor(trigger: Trigger): TimingGates {
    const gates = this.#shared.slice();
    const lastOfTrigger = latest(this.#input.acts, trigger.id);
    if (lastOfTrigger !== null && trigger.cooldownMinutes > 0)
      gates.push(spacing('cooldown', lastOfTrigger, trigger.cooldownMinutes, 'this trigger'));
    gates.push(this.#caps[0]!, this.#caps[1]!);
    const ofTrigger = this.#days.filter((a) => a.triggerId === trigger.id);
    gates.push(new CapGate('trigger_caps', this.#input.zone, ofTrigger, trigger.caps, 'from this trigger'));
    return new TimingGates(gates);
  }
}

/** One trigger's timing checks. */
export class TimingGates {
  /** After `earliest`: the check that still blocks at the end of the range, or null. */
  blockedBy: CheckName | null = null;

  constructor(private readonly gates: readonly TimingGate[]) {}

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
    this.blockedBy = gates[0]!.check;
    return t;
  }

  /** Each gate's verdict at `ms`, added to the trace. */
  trace(ms: number, triggerId: string, trace: Check[]): void {
    for (const gate of this.gates) {
      const from = gate.allowsFrom(ms);
      const check: Check = {
        check: gate.check,
        passed: from <= ms,
        detail: gate.describe(ms, from),
        triggerId,
      };
      if (from > ms) check.untilMs = from;
      trace.push(check);
    }
  }
}

/** The texts of each quiet-hours window, built once: formatting the clock was a share of each decision. */
const quietTexts = new WeakMap<QuietHours, readonly [inside: string, outside: string]>();

class QuietGate implements TimingGate {
  readonly check = 'quiet_hours';
  readonly #texts: readonly [string, string];

  constructor(
    private readonly zone: ZoneOffsets,
    private readonly quiet: QuietHours,
  ) {
    let texts = quietTexts.get(quiet);
    if (!texts) {
      const window = describeQuietHours(quiet);
      texts = [`in quiet hours ${window} local`, `outside quiet hours ${window} local`];
      quietTexts.set(quiet, texts);
    }
    this.#texts = texts;
  }

  allowsFrom(ms: number): number {
    return quietHoursEnd(this.zone, ms, this.quiet);
  }

  describe(ms: number, from: number): string {
    return from > ms ? this.#texts[0] : this.#texts[1];
  }
}

/** A check that blocks until a fixed instant: the end of a conversation, a gap, a cooldown. */
class UntilGate implements TimingGate {
  constructor(
    readonly check: CheckName,
    private readonly endMs: number,
    private readonly blocked: string,
    private readonly passed: string,
  ) {}

  allowsFrom(ms: number): number {
    return Math.max(ms, this.endMs);
  }

  describe(ms: number, from: number): string {
    return from > ms ? this.blocked : this.passed;
  }
}

function spacing(check: CheckName, lastMs: number, minutes: number, scope: string): UntilGate {
  return new UntilGate(
    check,
    lastMs + minutes * MINUTE,
    `less than ${minutes} min since the last proactive message from ${scope}`,
    `more than ${minutes} min since the last proactive message from ${scope}`,
  );
}

class CapGate implements TimingGate {
  /** No acts to count under caps above zero, or no caps: nothing to convert to local days. */
  readonly #free: boolean;

  constructor(
    readonly check: CheckName,
    private readonly zone: ZoneOffsets,
    private readonly days: readonly ActDay[],
    private readonly caps: Caps,
    private readonly scope: string,
  ) {
    this.#free =
      (days.length === 0 && (caps.perDay ?? 1) > 0 && (caps.perWeek ?? 1) > 0) ||
      (caps.perDay === null && caps.perWeek === null);
  }

  allowsFrom(ms: number): number {
    if (this.#free) return ms;
    return capsBlockedUntil(this.zone, ms, this.days, this.caps) ?? ms;
  }

  describe(ms: number): string {
    const { caps } = this;
    const c = checkCapsOnDays(this.zone, ms, this.days, caps);
    const counts = `${c.today} today (cap ${caps.perDay ?? 'none'}), ${c.thisWeek} this week (cap ${caps.perWeek ?? 'none'}) ${this.scope}, in the user's local time`;
    return c.blockedUntilMs === null ? counts : `${counts}: cap reached`;
  }
}

/** The instant of the last act (of one trigger, when given). */
function latest(acts: readonly ProactiveAct[], triggerId: string | null): number | null {
  let best: number | null = null;
  for (const act of acts)
    if ((triggerId === null || act.triggerId === triggerId) && (best === null || act.atMs > best))
      best = act.atMs;
  return best;
}
