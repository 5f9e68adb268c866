import type { Occasion } from './occasion.js';

/** The checks `decide` makes, each recorded in the trace. */
export type CheckName =
  | 'allow_proactive'
  | 'character_enabled'
  | 'consent'
  | 'user_wrote_first'
  | 'trust'
  | 'backoff'
  | 'time_zone'
  | 'trigger'
  | 'expiry'
  | 'quiet_hours'
  | 'mid_conversation'
  | 'min_gap'
  | 'cooldown'
  | 'user_caps'
  | 'character_caps'
  | 'trigger_caps'
  | 'good_time';

/** One check: passed, or why not, and for a check that time will pass, from when it would. */
export interface Check {
  check: CheckName;
  passed: boolean;
  detail: string;
  /** Set on checks that block only until an instant. */
  untilMs?: number;
  /** The measured value and the policy's limit, where the check compares two numbers. */
  value?: number;
  limit?: number;
  /** The instant the detail speaks of (a last message, an expiry), kept as data so deciding stays cheap. */
  atMs?: number;
  /** The trigger the check was made for, when it is one trigger's. */
  triggerId?: string;
}

/** Why nothing is done, when nothing is: the failing check, or there being nothing to do. */
export type SkipReason = CheckName | 'nothing_due';

/**
 * The outcome for one (user, character) pair: speak now (`send`, or `queue` for a person's
 * approval), later (`defer`), or not (`skip`), always with every check made.
 */
export type Decision =
  | { action: 'send' | 'queue'; occasion: Occasion; trace: Check[] }
  | { action: 'defer'; occasion: Occasion; untilMs: number; trace: Check[] }
  | { action: 'skip'; reason: SkipReason; occasion: Occasion | null; trace: Check[] };
