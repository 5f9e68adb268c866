import { unitHash } from '../shared/random.js';
import type { Trigger } from '../triggers/trigger.js';
import type { Check, Decision } from './decision.js';

/** Whom a holdout draw is for: the tenant and the user (the trigger and occasion come from the decision). */
export interface HoldoutSubject {
  tenantId: string;
  userId: string;
}

/**
 * The draw of a holdout, in [0, 1): a hash of (tenant, user, trigger), and of the occasion too for
 * a trigger drawing per decision. A unit is held out when its draw is under the probability, so
 * the same user is always in or always out for a trigger, and raising the percentage only adds
 * users to the held-out arm (lowering it only removes some).
 */
export function holdoutDraw(subject: HoldoutSubject, trigger: Trigger, occasionKey: string): number {
  const unit = `${subject.tenantId}\u0000${subject.userId}\u0000${trigger.id}`;
  return unitHash(trigger.holdout.unit === 'decision' ? `${unit}\u0000${occasionKey}` : unit);
}

/**
 * A decision that would speak, held out with its trigger's probability: `held_out` (nothing is
 * sent; the occasion counts as used) or the decision as it was. Either way, under a holdout the
 * trace gains a `holdout` check with the draw and the probability, and the decision carries the
 * probability. Other decisions, and triggers without a holdout, pass through unchanged.
 *
 * @example holdOut(send, trigger50, { tenantId: 't', userId: 'u' }) // held_out for about half the users
 */
export function holdOut(decision: Decision, triggers: readonly Trigger[], subject: HoldoutSubject): Decision {
  if (decision.action !== 'send' && decision.action !== 'queue') return decision;
  const trigger = triggers.find((t) => t.id === decision.occasion.triggerId);
  const probability = trigger?.holdout.probability ?? 0;
  if (!trigger || probability <= 0) return decision;
  const draw = holdoutDraw(subject, trigger, decision.occasion.key);
  const held = draw < probability;
  const check: Check = {
    check: 'holdout',
    passed: !held,
    note: held ? 'held_out' : 'not_held_out',
    triggerId: trigger.id,
    value: draw,
    limit: probability,
  };
  const trace = [...decision.trace, check];
  return held
    ? { action: 'held_out', occasion: decision.occasion, trace, probability }
    : { ...decision, trace, probability };
}
