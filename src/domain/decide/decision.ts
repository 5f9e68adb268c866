import type { FunnelRanking } from '../funnels/select-funnel.js';
import type { EngagementState } from '../outcomes/engagement.js';
import type { QuietHours } from '../policy/policy.js';
import type { Occasion } from './occasion.js';

/** The checks `decide` makes, each recorded in the trace. */
export type CheckName =
  | 'allow_proactive'
  | 'character_enabled'
  | 'consent'
  | 'user_wrote_first'
  | 'trust'
  | 'backoff'
  | 'ladder'
  | 'wrong_time'
  | 'engagement'
  | 'time_zone'
  | 'trigger'
  | 'expiry'
  | 'quiet_hours'
  | 'mid_conversation'
  | 'min_gap'
  | 'pair_gap'
  | 'snooze'
  | 'cooldown'
  | 'user_caps'
  | 'character_caps'
  | 'trigger_caps'
  | 'good_time'
  | 'holdout'
  | 'funnel';

/**
 * What a check found, as a code: `describeCheck` says it in words. Words are made when a trace
 * is shown, never while deciding, and a stored trace keeps the codes and numbers only.
 */
export type CheckNote =
  // allow_proactive, character_enabled
  | 'allowed'
  | 'off'
  // consent
  | 'opted_in'
  | 'opted_out'
  | 'character_opted_out'
  | 'unknown_allowed'
  | 'unknown_refused'
  // user_wrote_first
  | 'wrote'
  | 'never_wrote'
  // trust, backoff, ladder
  | 'within_limit'
  | 'beyond_limit'
  | 'ladder_done'
  // wrong_time
  | 'hours_lowered'
  // engagement
  | 'engaged_enough'
  | 'not_engaged_enough'
  // time_zone
  | 'zone_given'
  | 'zone_inferred'
  | 'zone_default'
  | 'zone_held'
  // trigger
  | 'trigger_deleted'
  | 'trigger_not_applicable'
  | 'trigger_disabled'
  | 'trigger_not_for_character'
  // expiry
  | 'valid'
  | 'expired'
  // quiet_hours, mid_conversation, min_gap, cooldown and the caps: allowed or blocked now, with
  // the numbers they read; and any of them still blocking when the occasion expires
  | 'clear'
  | 'blocked'
  | 'blocked_at_expiry'
  // good_time
  | 'no_model'
  | 'good_now'
  | 'next_good_hour'
  | 'best_allowed'
  // holdout: the draw (value) against the trigger's probability (limit)
  | 'held_out'
  | 'not_held_out'
  // funnel: a funnel started, none fits (the plain opener), or the pair is in one (nothing sent)
  | 'funnel_chosen'
  | 'no_funnel_fits'
  | 'funnel_under_way'
  | 'funnel_race_lost';

/** One check: passed, or why not, and for a check that time will pass, from when it would. */
export interface Check {
  check: CheckName;
  passed: boolean;
  note: CheckNote;
  /** Set on checks that block only until an instant. */
  untilMs?: number;
  /** The measured value and the policy's limit, where the check compares two numbers. */
  value?: number;
  limit?: number;
  /** The instant the check speaks of (a last message, an expiry). */
  atMs?: number;
  /** The trigger the check was made for, when it is one trigger's. */
  triggerId?: string;
  /** The local window of quiet hours (quiet_hours). */
  quiet?: QuietHours;
  /** The minutes a conversation, a gap or a cooldown lasts (mid_conversation, min_gap, cooldown). */
  minutes?: number;
  /** A cap check's counts and caps, in the user's local day and week. */
  caps?: CapCounts;
  /** The zone quiet hours and caps were read in, for a user whose own zone is unknown. */
  zone?: string;
  /** The user's message that set the consent (a stop), when a message did. */
  eventId?: string;
  /** The pair's engagement state and the least one asked for (engagement). */
  engagement?: { state: EngagementState; min: EngagementState };
  /** The funnels the selector weighed, each with its verdict, score and matched words (funnel). */
  funnels?: FunnelRanking[];
}

/** A cap check's counts against its caps (null: no cap). */
export interface CapCounts {
  today: number;
  perDay: number | null;
  thisWeek: number;
  perWeek: number | null;
}

/** Why nothing is done, when nothing is: the failing check, or there being nothing to do. */
export type SkipReason = CheckName | 'nothing_due';

/**
 * The outcome for one (user, character) pair: speak now (`send`, or `queue` for a person's
 * approval), later (`defer`), or not (`skip`), always with every check made. `held_out`: it would
 * have spoken, and the trigger's holdout kept it silent, to measure what its messages change
 * (`holdOut`, holdout.ts); `probability` is the holdout's, which a send or queue under a holdout
 * carries too.
 */
export type Decision =
  | { action: 'send' | 'queue'; occasion: Occasion; trace: Check[]; probability?: number }
  | { action: 'held_out'; occasion: Occasion; trace: Check[]; probability: number }
  | { action: 'defer'; occasion: Occasion; untilMs: number; trace: Check[] }
  | { action: 'skip'; reason: SkipReason; occasion: Occasion | null; trace: Check[] };
