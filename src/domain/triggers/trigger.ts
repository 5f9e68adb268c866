import type { FunnelRequest } from '../funnels/select-funnel.js';
import type { EngagementState } from '../outcomes/engagement.js';
import type { Caps } from '../policy/policy.js';
import type { ScheduleRule } from './schedule.js';

/** Who approves what a trigger produces: nobody, a person (it waits), or a person who also fires it. */
export type ApprovalMode = 'auto' | 'suggest' | 'manual';

/** A schedule's zone: the user's own, or a named IANA zone for every user. */
export type ScheduleZone = { kind: 'user' } | { kind: 'named'; zone: string };

/** Why to speak first; each kind says when it fires. */
export type TriggerSpec =
  /** No message either way between the user and the character for `afterHours`. */
  | { kind: 'silence'; afterHours: number }
  /** The user's activity model scores the current local hour at least `minScore`. */
  | { kind: 'active_now'; minScore: number }
  /** A cron expression or a fixed interval, on the wall clock of the user's zone or a named one. */
  | { kind: 'schedule'; rule: ScheduleRule; zone: ScheduleZone }
  /** An event of this name (engine kind or custom), matching `filter` on its fields, after `delayMinutes`. */
  | { kind: 'event'; event: string; filter: Record<string, string | number | boolean>; delayMinutes: number }
  /** A signed POST from outside to the trigger's hook URL. */
  | { kind: 'webhook' }
  /** An open loop (something the user said will happen), `delayMinutes` after it is due. */
  | { kind: 'follow_up'; delayMinutes: number }
  /**
   * On a schedule like `schedule`, a language model is asked `question` (yes or no) about what is
   * known of the user; only a yes makes a message. Asked when the suggestion is drafted.
   */
  | { kind: 'llm'; question: string; rule: ScheduleRule; zone: ScheduleZone };

export interface Trigger {
  id: string;
  name: string;
  spec: TriggerSpec;
  enabled: boolean;
  /** null: every character of the tenant. */
  characterIds: readonly string[] | null;
  approval: ApprovalMode;
  /** Higher first when several triggers are due for one pair. */
  priority: number;
  /** Least time between two messages of this trigger to one user. */
  cooldownMinutes: number;
  caps: Caps;
  /** How long what it fires stays worth sending; a deferral never goes past it. */
  expiryMinutes: number;
  /** Deliver only at an hour the user is usually active (deferring to one inside the expiry). */
  atGoodTime: boolean;
  /**
   * When it was created or last enabled. A schedule fires only for occurrences from then on: one
   * that passed before (or while it was off) is not sent late, even inside the expiry.
   */
  enabledAtMs: number;
  /** The least engagement of the pair at which it fires; null: any. */
  minEngagement: EngagementState | null;
  /**
   * The share of its decisions to speak that are held out (0 to 0.5), drawn per user (the same
   * user always in or out) or per decision.
   */
  holdout: Holdout;
  /** A funnel to start instead of a single message (a named one, or the best eligible); null: a message. */
  funnel: FunnelRequest | null;
}

/** A trigger's holdout: the probability of holding out, and what one draw is for. */
export interface Holdout {
  probability: number;
  unit: 'user' | 'decision';
}

/** No holdout. */
export const NO_HOLDOUT: Holdout = { probability: 0, unit: 'user' };

/** Whether the trigger may act for this character. */
export function appliesTo(trigger: Trigger, characterId: string): boolean {
  return trigger.enabled && (trigger.characterIds === null || trigger.characterIds.includes(characterId));
}
