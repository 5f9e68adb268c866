import { localDay } from '../policy/frequency-cap.js';
import { scheduleOf } from '../triggers/schedule.js';
import { appliesTo, type Trigger } from '../triggers/trigger.js';
import { type DecisionState, scoreAt, usedKey } from './decide.js';
import type { CheckName, Decision } from './decision.js';
import type { Occasion } from './occasion.js';

const HOUR = 3_600_000;

/** Checks that time resolves: an occasion they blocked to its expiry may pass them later. */
const TIMING_CHECKS: ReadonlySet<CheckName> = new Set([
  'quiet_hours',
  'mid_conversation',
  'min_gap',
  'pair_gap',
  'snooze',
  'ladder',
  'cooldown',
  'user_caps',
  'character_caps',
  'trigger_caps',
]);

/**
 * The next instant after `nowMs` at which a trigger could fire for this pair, given the decision
 * just made: a deferral's instant, a silence deadline, the next occurrence of a schedule in its
 * zone, the next local hour at which the user is usually active enough, a stored occasion that is
 * not due yet. Null when nothing could fire until something happens (the user writes, a person
 * changes the policy or a trigger), which re-arms the pair. An occasion that a check blocked
 * which time does not resolve (consent, trust, backoff) is not woken for again. After acting on
 * one occasion, another recorded one already due (two webhook calls at once) makes the pair due
 * again at `nowMs`: a decision acts on one occasion, and the next decision says when the other
 * may go (without it, the other waited for whatever woke the pair next, often past its expiry).
 */
export function nextWake(
  state: DecisionState,
  triggers: readonly Trigger[],
  decision: Decision,
  nowMs: number,
): number | null {
  let next = Number.POSITIVE_INFINITY;
  const consider = (ms: number | null) => {
    if (ms !== null && ms > nowMs && ms < next) next = ms;
  };
  if (
    (decision.action === 'send' || decision.action === 'queue' || decision.action === 'held_out') &&
    recordedWaiting(state, triggers, decision.occasion, nowMs)
  )
    return nowMs;
  if (decision.action === 'defer') consider(decision.untilMs);
  if (decision.action === 'skip' && decision.occasion && TIMING_CHECKS.has(decision.reason as CheckName))
    // a condition that still holds then gets a new window: try again when this one ends
    consider(decision.occasion.expiresAtMs);
  for (const occasion of state.occasions) consider(occasion.atMs);
  for (const trigger of triggers) {
    if (!appliesTo(trigger, state.characterId) || trigger.approval === 'manual') continue;
    const spec = trigger.spec;
    if (spec.kind === 'silence') {
      if (state.pairLastContactAtMs !== null) consider(state.pairLastContactAtMs + spec.afterHours * HOUR);
    } else if (spec.kind === 'schedule' || spec.kind === 'llm') {
      const zone = spec.zone.kind === 'user' ? state.zone : state.zones.get(spec.zone.zone);
      consider(scheduleOf(spec.rule).nextAfterCached(zone, nowMs, 'next'));
    } else if (spec.kind === 'active_now') {
      consider(nextActiveHour(state, trigger.id, spec.minScore, nowMs));
    }
  }
  return next === Number.POSITIVE_INFINITY ? null : next;
}

/** Whether a recorded occasion besides `acted`, not used yet, is due for the pair, its trigger applying. */
function recordedWaiting(
  state: DecisionState,
  triggers: readonly Trigger[],
  acted: Occasion,
  nowMs: number,
): boolean {
  for (const o of state.occasions) {
    if (o.atMs > nowMs || o.expiresAtMs <= nowMs) continue;
    if (o.triggerId === acted.triggerId && o.key === acted.key) continue;
    if (state.used.size > 0 && state.used.has(usedKey(o.triggerId, o.key))) continue;
    const trigger = triggers.find((t) => t.id === o.triggerId);
    if (trigger && appliesTo(trigger, state.characterId)) return true;
  }
  return false;
}

/** The start of the next local hour within a week whose score reaches `minScore`, on a local day not yet used. */
function nextActiveHour(state: DecisionState, triggerId: string, minScore: number, nowMs: number) {
  const { activity, zone } = state;
  if (!activity || activity.peak <= 0) return null;
  let t = nowMs + zone.untilNextLocalHour(nowMs);
  for (let n = 0; n < 170; n++, t += zone.untilNextLocalHour(t)) {
    if (scoreAt(activity, zone, t) < minScore) continue;
    if (state.used.size > 0 && state.used.has(usedKey(triggerId, `active:${localDay(zone, t)}`))) continue;
    return t;
  }
  return null;
}
