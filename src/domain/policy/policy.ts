import type { EngagementState } from '../outcomes/engagement.js';

/** Local wall-clock window, in minutes after midnight; `start > end` runs across midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

/** Limits on proactive messages in the user's local day (from 00:00) and week (from Monday 00:00). */
export interface Caps {
  perDay: number | null;
  perWeek: number | null;
}

/**
 * What to do for a user whose time zone is neither given nor inferred with confidence:
 * `default_zone` applies quiet hours and caps in the tenant's default zone (and says so in the
 * trace); `hold` sends nothing first until the zone is known. Never "any time".
 */
export type UnknownZoneRule = 'default_zone' | 'hold';

/** The rules every proactive message must pass, as they apply to one character. */
export interface Policy {
  allowProactive: boolean;
  /** The character may speak first at all. */
  proactiveEnabled: boolean;
  /** When true, a user whose consent is `unknown` is treated as not consenting. */
  requireOptIn: boolean;
  /** The least per-(user, character) trust at which the character may speak first. */
  minTrust: number;
  quietHours: QuietHours | null;
  unknownZone: UnknownZoneRule;
  /** Across every character of the tenant. */
  userCaps: Caps;
  /** For this character. */
  characterCaps: Caps;
  /** Least time between two proactive messages to one user, from any character. */
  minGapMinutes: number;
  /** After this many proactive messages without a reply, nothing more until the user writes. */
  backoffAfterUnanswered: number;
  /** A user who wrote within this many minutes is mid-conversation: do not interrupt. */
  midConversationMinutes: number;
  /** A reply meaning "not now" holds the character's proactive messages to the user this many days. */
  snoozeDays: number;
  /**
   * The retention ladder: after the first proactive message left unanswered since the user last
   * wrote, the next may come this many minutes after it, one step per message, then nothing until
   * the user writes ([180, 360]: at T+3 h and T+6 h). Null: no ladder.
   */
  retentionLadderMinutes: readonly number[] | null;
  /** The least engagement (domain/outcomes/engagement.ts) at which the character may speak first; null: any. */
  minEngagement: EngagementState | null;
}

/** The settings a character may override (whether it may speak first at all is the character's own field). */
export type CharacterPolicy = Partial<
  Omit<Policy, 'allowProactive' | 'requireOptIn' | 'userCaps' | 'proactiveEnabled'>
>;

/** A tenant's policy: defaults for every character, and per-character overrides. */
export interface TenantPolicy {
  defaults: Omit<Policy, 'proactiveEnabled'>;
  characters: Record<string, CharacterPolicy>;
}

/**
 * Conservative defaults: nothing is sent first until an operator turns `allowProactive` on; quiet
 * from 22:00 to 08:00 local; at most two a day and five a week to a user, one a day and three a
 * week from one character, three hours apart; stop after two unanswered.
 */
export const DEFAULT_POLICY: Policy = {
  allowProactive: false,
  proactiveEnabled: true,
  requireOptIn: false,
  minTrust: 0,
  quietHours: { startMinute: 22 * 60, endMinute: 8 * 60 },
  unknownZone: 'default_zone',
  userCaps: { perDay: 2, perWeek: 5 },
  characterCaps: { perDay: 1, perWeek: 3 },
  minGapMinutes: 180,
  backoffAfterUnanswered: 2,
  midConversationMinutes: 30,
  snoozeDays: 3,
  retentionLadderMinutes: null,
  minEngagement: null,
};

/** The policy as it applies to one character: the tenant's defaults with its overrides. */
export function policyFor(tenant: TenantPolicy, characterId: string, proactiveEnabled = true): Policy {
  const own = tenant.characters[characterId];
  return { ...tenant.defaults, ...own, proactiveEnabled };
}
