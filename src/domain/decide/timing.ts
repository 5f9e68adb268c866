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
      this.#shared.push(new UntilGate('mid_conversation', end, midConversationTexts, minutes));
    }
    const last = latest(acts, null);
    if (last !== null && policy.minGapMinutes > 0) {
      const minutes = policy.minGapMinutes;
      this.#shared.push(new UntilGate('min_gap', last + minutes * MINUTE, gapTexts, minutes));
    }
    this.#days = acts.length > 0 ? actDays(zone, acts) : [];
    const ofCharacter = this.#days.filter((a) => a.characterId === input.characterId);
    this.#caps = [
      new CapGate('user_caps', zone, this.#days, policy.userCaps, userCapTexts),
      new CapGate('character_caps', zone, ofCharacter, policy.characterCaps, characterCapTexts),
    ];
  }

  /** The checks that time resolves for one trigger, in the order the trace lists them. */
  gatesFor(trigger: Trigger): TimingGates {
    const gates = this.#shared.slice();
    const lastOfTrigger = latest(this.#input.acts, trigger.id);
    const minutes = trigger.cooldownMinutes;
    if (lastOfTrigger !== null && minutes > 0)
      gates.push(new UntilGate('cooldown', lastOfTrigger + minutes * MINUTE, cooldownTexts, minutes));
    gates.push(this.#caps[0]!, this.#caps[1]!);
    const ofTrigger = this.#days.filter((a) => a.triggerId === trigger.id);
    gates.push(new CapGate('trigger_caps', this.#input.zone, ofTrigger, trigger.caps, triggerCapTexts));
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
    const from = this.allowsFrom(ms);
    const { startMinute, endMinute } = this.quiet;
    const key =
      whole(startMinute, 1440) && whole(endMinute, 1440) ? (startMinute * 1440 + endMinute) * 2 : -1;
    const blocked = from > ms;
    let detail = key < 0 ? undefined : quietTexts.get(key + (blocked ? 1 : 0));
    if (detail === undefined) {
      const window = describeQuietHours(this.quiet);
      detail = blocked ? `in quiet hours ${window} local` : `outside quiet hours ${window} local`;
      if (key >= 0) quietTexts.set(key + (blocked ? 1 : 0), detail);
    }
    return verdict(this.check, ms, from, detail, triggerId);
  }
}

/** A check that blocks until a fixed instant: the end of a conversation, a gap, a cooldown. */
class UntilGate implements TimingGate {
  constructor(
    readonly check: CheckName,
    private readonly endMs: number,
    private readonly texts: MinuteTexts,
    private readonly minutes: number,
  ) {}

  allowsFrom(ms: number): number {
    return Math.max(ms, this.endMs);
  }

  allowsAllFrom(ms: number): boolean {
    return ms >= this.endMs;
  }

  traceAt(ms: number, triggerId: string): Check {
    const from = this.allowsFrom(ms);
    return verdict(this.check, ms, from, this.texts.get(this.minutes, from > ms), triggerId);
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
    private readonly texts: CapTexts,
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
    const c = checkCapsOnDays(this.zone, ms, this.days, this.caps);
    const from = this.#free ? ms : (c.blockedUntilMs ?? ms);
    return verdict(
      this.check,
      ms,
      from,
      this.texts.get(this.caps, c.today, c.thisWeek, c.blockedUntilMs !== null),
      triggerId,
    );
  }
}

function verdict(check: CheckName, ms: number, from: number, detail: string, triggerId: string): Check {
  const c: Check = { check, passed: from <= ms, detail, triggerId };
  if (from > ms) c.untilMs = from;
  return c;
}

/**
 * Trace texts by a numeric key, each built once: a few texts make up most traces, and formatting
 * them was a fifth of the instructions of a decision (bench/decide.mjs under callgrind). Keys are
 * made of the numbers in the text, so a policy changed in place cannot leave a stale text; the
 * cache is emptied when it reaches a size no real set of policies does.
 */
class TextCache {
  readonly #texts = new Map<number, string>();

  get(key: number): string | undefined {
    return this.#texts.get(key);
  }

  set(key: number, text: string): void {
    if (this.#texts.size >= 4096) this.#texts.clear();
    this.#texts.set(key, text);
  }
}

const quietTexts = new TextCache();

/** Whether `n` is a whole number in [0, below): what a key of texts can hold. */
function whole(n: number, below: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < below;
}

/** The two texts of a check that waits a number of minutes. */
class MinuteTexts {
  readonly #cache = new TextCache();

  constructor(private readonly make: (minutes: number, blocked: boolean) => string) {}

  get(minutes: number, blocked: boolean): string {
    if (!whole(minutes, 2 ** 40)) return this.make(minutes, blocked);
    const key = minutes * 2 + (blocked ? 1 : 0);
    let text = this.#cache.get(key);
    if (text === undefined) {
      text = this.make(minutes, blocked);
      this.#cache.set(key, text);
    }
    return text;
  }
}

const midConversationTexts = new MinuteTexts((m, blocked) =>
  blocked ? `the user wrote less than ${m} min ago` : `the user last wrote more than ${m} min ago`,
);
const spacingText = (scope: string) => (m: number, blocked: boolean) =>
  `${blocked ? 'less' : 'more'} than ${m} min since the last proactive message from ${scope}`;
const gapTexts = new MinuteTexts(spacingText('any character'));
const cooldownTexts = new MinuteTexts(spacingText('this trigger'));

/** The texts of a cap check: its counts against its caps, for one scope. */
class CapTexts {
  readonly #cache = new TextCache();

  constructor(private readonly scope: string) {}

  get(caps: Caps, today: number, thisWeek: number, reached: boolean): string {
    // caps and counts are small whole numbers: together they fit in one key
    const day = capKey(caps.perDay);
    const week = capKey(caps.perWeek);
    const cacheable = day >= 0 && week >= 0 && whole(today, 1000) && whole(thisWeek, 1000);
    const key = cacheable
      ? (((day * 1000 + week) * 1000 + today) * 1000 + thisWeek) * 2 + (reached ? 1 : 0)
      : -1;
    let text = cacheable ? this.#cache.get(key) : undefined;
    if (text === undefined) {
      const counts = `${today} today (cap ${caps.perDay ?? 'none'}), ${thisWeek} this week (cap ${caps.perWeek ?? 'none'}) ${this.scope}, in the user's local time`;
      text = reached ? `${counts}: cap reached` : counts;
      if (cacheable) this.#cache.set(key, text);
    }
    return text;
  }
}

/** A cap in a key of texts: 0 for none, n + 1 for n, -1 when it does not fit. */
function capKey(cap: number | null): number {
  if (cap === null) return 0;
  return whole(cap, 999) ? cap + 1 : -1;
}

const userCapTexts = new CapTexts('to this user');
const characterCapTexts = new CapTexts('from this character');
const triggerCapTexts = new CapTexts('from this trigger');

/** The instant of the last act (of one trigger, when given). */
function latest(acts: readonly ProactiveAct[], triggerId: string | null): number | null {
  let best: number | null = null;
  for (const act of acts)
    if ((triggerId === null || act.triggerId === triggerId) && (best === null || act.atMs > best))
      best = act.atMs;
  return best;
}
