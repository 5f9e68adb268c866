import { GOOD_SCORE } from '../activity/good-time.js';
import { type Engagement, type EngagementState, stateAtLeast } from '../outcomes/engagement.js';
import type { Standing } from '../outcomes/standing.js';
import type { ProactiveAct } from '../policy/frequency-cap.js';
import type { Policy } from '../policy/policy.js';
import { hourOfWeekAt, type ZoneCache, type ZoneOffsets } from '../shared/local-time.js';
import type { Consent } from '../suggestions/lifecycle.js';
import { appliesTo, type Trigger } from '../triggers/trigger.js';
import type { Check, CheckName, CheckNote, Decision, SkipReason } from './decision.js';
import { conditionOccasion, type Occasion } from './occasion.js';
import { PairTiming, type TimingGates } from './timing.js';

const HOUR = 3_600_000;

/** A user's activity over the local hours of the week (sums to 1), with its largest value. */
export interface ActivityView {
  hours: Float64Array;
  peak: number;
}

/**
 * The view `decide` reads of an activity distribution. Local hours of the week at which the user
 * said a message came at a wrong time (`wrongHours`, once per reply) are halved for each such
 * reply; the peak stays the distribution's own, so those hours score lower and no other moves.
 */
export function activityView(hours: Float64Array, wrongHours: readonly number[] = []): ActivityView {
  let peak = 0;
  for (let h = 0; h < hours.length; h++) if (hours[h]! > peak) peak = hours[h]!;
  if (wrongHours.length === 0) return { hours, peak };
  const lowered = Float64Array.from(hours);
  for (const h of wrongHours) lowered[h] = lowered[h]! / 2;
  return { hours: lowered, peak };
}

/** Everything `decide` knows of one (user, character) pair, loaded by the engine. */
export interface DecisionState {
  characterId: string;
  /** The consent that applies: the user's own opt-out, else the pair's, else the user's (see `pairConsent`). */
  consent: Consent;
  /** Whose consent it is, when it took effect and the message that set it, if a message did. */
  consentBy: 'user' | 'character';
  consentAtMs: number | null;
  consentEventId: string | null;
  /** "Not now": nothing from this character until then; the reply that asked. */
  snoozedUntilMs: number | null;
  snoozedBy: string | null;
  /** What the user's answers to this character's proactive messages say (domain/outcomes/standing.ts). */
  standing: Standing;
  /** The pair's engagement now; loaded only when the policy or a trigger asks for a least one. */
  engagement: Engagement | null;
  zone: ZoneOffsets;
  zoneSource: 'explicit' | 'inferred' | 'default';
  /** Set by the bot, in [0, 1]. */
  trust: number;
  /** The user's activity model, or null without one. */
  activity: ActivityView | null;
  /** Last message from the user, to any character. */
  userLastInboundAtMs: number | null;
  /** Last message from the user to this character; null: never wrote to it. */
  pairLastInboundAtMs: number | null;
  /** Last message either way between the user and this character. */
  pairLastContactAtMs: number | null;
  /** The user's proactive messages already decided, from every character, for at least the last 8 days. */
  acts: readonly ProactiveAct[];
  /** Occasions recorded for the pair (events, webhook calls, fired manual triggers) and not yet used. */
  occasions: readonly Occasion[];
  /** Occasions already acted on for the pair, as `usedKey(triggerId, key)`: never acted on twice. */
  used: ReadonlySet<string>;
  /** Offsets of named zones, for schedules in a zone of their own. */
  zones: Pick<ZoneCache, 'get'>;
}

/** The key of an occasion in `DecisionState.used`. */
export function usedKey(triggerId: string, key: string): string {
  return `${triggerId}\u0000${key}`;
}

/**
 * Whether to speak first to this user, from this character, now: `send` (or `queue` for
 * approval), `defer` to an instant inside the occasion's expiry (out of quiet hours, caps, gaps,
 * to a good hour), or `skip`. Every check is in the trace; silence is the default.
 */
export function decide(
  state: DecisionState,
  triggers: readonly Trigger[],
  policy: Policy,
  nowMs: number,
): Decision {
  const trace = gateChecks(state, policy);
  let blocked: Check | null = null;
  for (const c of trace)
    if (!c.passed) {
      blocked = c;
      break;
    }
  const held: Held = { occasion: null };
  const candidates = dueOccasions(state, triggers, nowMs, trace, held);
  if (candidates.length === 0) {
    // an occasion of a trigger that asks for more engagement than the pair has says so
    if (!blocked && held.occasion) return skip('engagement', held.occasion, trace);
    return skip(blocked ? blocked.check : 'nothing_due', null, trace);
  }
  if (blocked) return skip(blocked.check, candidates[0]!.occasion, trace);

  const timing = new PairTiming(state, policy);
  let deferral: Occasion | null = null;
  let deferUntilMs = 0;
  let firstFailure: SkipReason | null = null;
  for (const { trigger, occasion } of candidates) {
    const atMs = whenAllowed(state, timing, trigger, occasion, nowMs, trace);
    if (typeof atMs !== 'number') {
      firstFailure ??= atMs;
      continue;
    }
    if (atMs <= nowMs) return { action: trigger.approval === 'auto' ? 'send' : 'queue', occasion, trace };
    if (deferral === null || atMs < deferUntilMs) {
      deferral = occasion;
      deferUntilMs = atMs;
    }
  }
  if (deferral) return { action: 'defer', occasion: deferral, untilMs: deferUntilMs, trace };
  return skip(firstFailure ?? 'nothing_due', candidates[0]!.occasion, trace);
}

function skip(reason: SkipReason, occasion: Occasion | null, trace: Check[]): Decision {
  return { action: 'skip', reason, occasion, trace };
}

/** The checks that do not depend on the trigger or on time passing. */
function gateChecks(state: DecisionState, policy: Policy): Check[] {
  const wrote = state.pairLastInboundAtMs !== null;
  const { ignored, sinceMs } = state.standing;
  const consentOk = state.consent === 'opted_in' || (state.consent === 'unknown' && !policy.requireOptIn);
  const zoneOk = state.zoneSource !== 'default' || policy.unknownZone === 'default_zone';
  const checks: Check[] = [
    policy.allowProactive ? PROACTIVE_ALLOWED : PROACTIVE_OFF,
    policy.proactiveEnabled ? CHARACTER_ALLOWED : CHARACTER_OFF,
    consentCheck(state, consentOk),
    {
      check: 'user_wrote_first',
      passed: wrote,
      note: wrote ? 'wrote' : 'never_wrote',
      atMs: state.pairLastInboundAtMs ?? undefined,
    },
    {
      check: 'trust',
      passed: state.trust >= policy.minTrust,
      note: state.trust >= policy.minTrust ? 'within_limit' : 'beyond_limit',
      value: state.trust,
      limit: policy.minTrust,
    },
    {
      check: 'backoff',
      passed: ignored < policy.backoffAfterUnanswered,
      note: ignored < policy.backoffAfterUnanswered ? 'within_limit' : 'beyond_limit',
      value: ignored,
      limit: policy.backoffAfterUnanswered,
      atMs: sinceMs ?? undefined,
    },
    zoneCheck(state, zoneOk),
  ];
  const ladder = policy.retentionLadderMinutes;
  if (ladder !== null) {
    const sent = countSince(state.acts, state.characterId, sinceMs ?? Number.NEGATIVE_INFINITY);
    const done = sent > ladder.length;
    checks.push({
      check: 'ladder',
      passed: !done,
      note: done ? 'ladder_done' : 'within_limit',
      value: sent,
      limit: ladder.length + 1,
      atMs: sinceMs ?? undefined,
    });
  }
  if (policy.minEngagement !== null) checks.push(engagementCheck(state, policy.minEngagement));
  if (state.standing.wrongHours.length > 0)
    checks.push({
      check: 'wrong_time',
      passed: true,
      note: 'hours_lowered',
      value: state.standing.wrongHours.length,
    });
  return checks;
}

/** Whether the pair is engaged enough for `min` (for the policy, or one trigger). */
function engagementCheck(state: DecisionState, min: EngagementState, triggerId?: string): Check {
  const e = state.engagement;
  const current = e?.state ?? 'passive';
  const passed = stateAtLeast(current, min);
  const check: Check = {
    check: 'engagement',
    passed,
    note: passed ? 'engaged_enough' : 'not_engaged_enough',
    engagement: { state: current, min },
  };
  if (e) check.value = e.score;
  if (triggerId !== undefined) check.triggerId = triggerId;
  return check;
}

function consentCheck(state: DecisionState, passed: boolean): Check {
  if (state.consent !== 'opted_out') {
    if (state.consent === 'opted_in') return OPTED_IN;
    return passed ? UNKNOWN_ALLOWED : UNKNOWN_REFUSED;
  }
  const check: Check = {
    check: 'consent',
    passed: false,
    note: state.consentBy === 'user' ? 'opted_out' : 'character_opted_out',
  };
  if (state.consentAtMs !== null) check.atMs = state.consentAtMs;
  if (state.consentEventId !== null) check.eventId = state.consentEventId;
  return check;
}

/** Checks that carry no number are the same in every decision: made once, shared, frozen. */
const fixed = (check: CheckName, passed: boolean, note: CheckNote): Check =>
  Object.freeze({ check, passed, note });
const PROACTIVE_ALLOWED = fixed('allow_proactive', true, 'allowed');
const PROACTIVE_OFF = fixed('allow_proactive', false, 'off');
const CHARACTER_ALLOWED = fixed('character_enabled', true, 'allowed');
const CHARACTER_OFF = fixed('character_enabled', false, 'off');
const OPTED_IN = fixed('consent', true, 'opted_in');
const UNKNOWN_ALLOWED = fixed('consent', true, 'unknown_allowed');
const UNKNOWN_REFUSED = fixed('consent', false, 'unknown_refused');
const ZONE_GIVEN = fixed('time_zone', true, 'zone_given');
const ZONE_INFERRED = fixed('time_zone', true, 'zone_inferred');
const ZONE_HELD = fixed('time_zone', false, 'zone_held');

function zoneCheck(state: DecisionState, passed: boolean): Check {
  if (state.zoneSource !== 'default') return state.zoneSource === 'explicit' ? ZONE_GIVEN : ZONE_INFERRED;
  if (!passed) return ZONE_HELD;
  return { check: 'time_zone', passed, note: 'zone_default', zone: state.zone.zone };
}

interface Candidate {
  trigger: Trigger;
  occasion: Occasion;
}

/** The pair's occasions whose trigger applies, conditions evaluated now; highest priority first. */
function dueOccasions(
  state: DecisionState,
  triggers: readonly Trigger[],
  nowMs: number,
  trace: Check[],
  held: Held,
) {
  const candidates: Candidate[] = [];
  for (const occasion of state.occasions) {
    let trigger: Trigger | undefined;
    for (const t of triggers) if (t.id === occasion.triggerId) trigger = t;
    if (trigger && appliesTo(trigger, state.characterId)) {
      if (occasion.atMs <= nowMs && engagedEnough(state, trigger, occasion, trace, held))
        addCandidate(candidates, state, trigger, occasion);
    } else
      trace.push({
        check: 'trigger',
        passed: false,
        note: trigger ? 'trigger_not_applicable' : 'trigger_deleted',
        triggerId: occasion.triggerId,
      });
  }
  const inputs = {
    lastContactAtMs: state.pairLastContactAtMs,
    zone: state.zone,
    activityScore: state.activity ? scoreAt(state.activity, state.zone, nowMs) : null,
    zones: state.zones,
  };
  for (const trigger of triggers) {
    // a manual trigger fires only when a person fires it (a stored occasion), never by itself
    if (!appliesTo(trigger, state.characterId) || trigger.approval === 'manual') continue;
    const occasion = conditionOccasion(trigger, inputs, nowMs);
    if (occasion && engagedEnough(state, trigger, occasion, trace, held))
      addCandidate(candidates, state, trigger, occasion);
  }
  // a stable insertion sort: there are a few candidates, and Array#sort wants a closure
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i]!;
    let j = i;
    for (; j > 0 && comesBefore(c, candidates[j - 1]!); j--) candidates[j] = candidates[j - 1]!;
    candidates[j] = c;
  }
  return candidates;
}

/** A trigger with a least engagement acts only for a pair that has it; the check goes to the trace. */
function engagedEnough(
  state: DecisionState,
  trigger: Trigger,
  occasion: Occasion,
  trace: Check[],
  held: Held,
): boolean {
  if (trigger.minEngagement === null) return true;
  if (state.used.size > 0 && state.used.has(usedKey(occasion.triggerId, occasion.key))) return false;
  const check = engagementCheck(state, trigger.minEngagement, trigger.id);
  trace.push(check);
  if (!check.passed) held.occasion ??= occasion;
  return check.passed;
}

/** The first occasion held back because the pair is not engaged enough for its trigger. */
interface Held {
  occasion: Occasion | null;
}

function addCandidate(candidates: Candidate[], state: DecisionState, trigger: Trigger, occasion: Occasion) {
  for (const c of candidates)
    if (c.occasion.triggerId === occasion.triggerId && c.occasion.key === occasion.key) return;
  if (state.used.size > 0 && state.used.has(usedKey(occasion.triggerId, occasion.key))) return;
  candidates.push({ trigger, occasion });
}

/** Higher priority first, then the one due first (as a comparator `b.priority - a.priority || a.atMs - b.atMs`). */
function comesBefore(a: Candidate, b: Candidate): boolean {
  const byPriority = b.trigger.priority - a.trigger.priority;
  return byPriority < 0 || (!byPriority && a.occasion.atMs - b.occasion.atMs < 0);
}

/**
 * The first instant inside the occasion's expiry at which every timing check passes (at a good
 * hour, when the trigger asks for one), or the check that blocks it; the checks go to the trace.
 */
function whenAllowed(
  state: DecisionState,
  timing: PairTiming,
  trigger: Trigger,
  occasion: Occasion,
  nowMs: number,
  trace: Check[],
): number | SkipReason {
  const triggerId = trigger.id;
  const expiresAtMs = occasion.expiresAtMs;
  if (nowMs > expiresAtMs) {
    trace.push({
      check: 'expiry',
      passed: false,
      note: 'expired',
      atMs: expiresAtMs,
      triggerId,
    });
    return 'expiry';
  }
  trace.push({
    check: 'expiry',
    passed: true,
    note: 'valid',
    atMs: expiresAtMs,
    triggerId,
  });
  const gates = timing.gatesFor(trigger);
  // every gate allowing now is the first round of earliest(): no need to ask them again
  const first = gates.trace(nowMs, triggerId, trace) ? nowMs : gates.earliest(nowMs, expiresAtMs);
  if (gates.blockedBy !== null) {
    trace.push({
      check: gates.blockedBy,
      passed: false,
      note: 'blocked_at_expiry',
      atMs: expiresAtMs,
      triggerId,
    });
    return gates.blockedBy;
  }
  if (!trigger.atGoodTime) return first;
  if (!state.activity) {
    trace.push({
      check: 'good_time',
      passed: true,
      note: 'no_model',
      triggerId,
    });
    return first;
  }
  const walk = gates.from(first);
  return goodTimeWithin(state.activity, state.zone, walk, first, expiresAtMs, nowMs, trace, triggerId);
}

/** The first allowed instant at a good hour, else the allowed instant with the best score. */
function goodTimeWithin(
  activity: ActivityView,
  zone: ZoneOffsets,
  gates: TimingGates,
  fromMs: number,
  untilMs: number,
  nowMs: number,
  trace: Check[],
  triggerId: string,
): number {
  // the next good hour by score alone (cheap), then the checks there, until both agree
  let t = fromMs;
  while (t <= untilMs) {
    t = nextGoodHour(activity, zone, t, untilMs);
    if (t > untilMs) break;
    const allowed = gates.earliest(t, untilMs);
    if (gates.blockedBy !== null) break;
    if (allowed === t) {
      const now = t <= nowMs;
      const check: Check = {
        check: 'good_time',
        passed: now,
        note: now ? 'good_now' : 'next_good_hour',
        value: scoreAt(activity, zone, t),
        limit: GOOD_SCORE,
        atMs: t,
        triggerId,
      };
      if (!now) check.untilMs = t;
      trace.push(check);
      return t;
    }
    t = allowed;
  }
  // no good hour is allowed before the expiry: the allowed instant with the best score
  let bestMs = fromMs;
  let bestScore = -1;
  for (t = fromMs; t <= untilMs; ) {
    const score = scoreAt(activity, zone, t);
    if (score > bestScore) {
      bestMs = t;
      bestScore = score;
    }
    t = gates.earliest(t + zone.untilNextLocalHour(t), untilMs);
    if (gates.blockedBy !== null) break;
  }
  trace.push({
    check: 'good_time',
    passed: bestMs <= nowMs,
    note: 'best_allowed',
    value: bestScore,
    limit: GOOD_SCORE,
    atMs: bestMs,
    triggerId,
  });
  return bestMs;
}

/**
 * The first instant from `fromMs` (itself, or the start of a later local hour) whose hour scores
 * at least GOOD_SCORE, or one past `untilMs`: `scoreAt` hour by hour, one offset lookup a step.
 */
function nextGoodHour(activity: ActivityView, zone: ZoneOffsets, fromMs: number, untilMs: number): number {
  let t = fromMs;
  while (t <= untilMs) {
    const local = zone.toLocal(t);
    if (scoreOfHour(activity, hourOfWeekAt(local)) >= GOOD_SCORE) return t;
    t += HOUR - (local - Math.floor(local / HOUR) * HOUR);
  }
  return t;
}

/** The user's activity at the local hour of `ms` relative to their most active hour, in [0, 1]. */
export function scoreAt(activity: ActivityView, zone: ZoneOffsets, ms: number): number {
  return scoreOfHour(activity, zone.hourOfWeek(ms));
}

/** The user's activity at a local hour of the week relative to their most active hour. */
function scoreOfHour(activity: ActivityView, hourOfWeek: number): number {
  return activity.peak > 0 ? activity.hours[hourOfWeek]! / activity.peak : 0;
}

function countSince(acts: readonly ProactiveAct[], characterId: string, sinceMs: number): number {
  let n = 0;
  for (const act of acts) if (act.characterId === characterId && act.atMs > sinceMs) n++;
  return n;
}
