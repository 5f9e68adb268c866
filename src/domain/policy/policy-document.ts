import type { CharacterPolicy, QuietHours, TenantPolicy } from './policy.js';

/** A quiet-hours window as the policy document writes it: local times "HH:MM". */
export interface ClockWindow {
  start: string;
  end: string;
}

/**
 * A tenant's policy as the API takes it and the store keeps it: quiet hours as "HH:MM", the
 * per-character overrides by character id (the contract's `PolicyInput` is one).
 */
export interface PolicyDocument extends Omit<TenantPolicy['defaults'], 'quietHours'> {
  quietHours: ClockWindow | null;
  characters: Record<string, Omit<CharacterPolicy, 'quietHours'> & { quietHours?: ClockWindow | null }>;
}

/** The tenant's policy as `decide` and the send gate read it, from its document. */
export function toTenantPolicy(doc: PolicyDocument): TenantPolicy {
  const characters: Record<string, CharacterPolicy> = {};
  for (const [id, own] of Object.entries(doc.characters)) {
    const { quietHours, ...rest } = own;
    characters[id] = quietHours === undefined ? rest : { ...rest, quietHours: toQuietHours(quietHours) };
  }
  return {
    defaults: {
      allowProactive: doc.allowProactive,
      requireOptIn: doc.requireOptIn,
      minTrust: doc.minTrust,
      quietHours: toQuietHours(doc.quietHours),
      unknownZone: doc.unknownZone,
      userCaps: doc.userCaps,
      characterCaps: doc.characterCaps,
      minGapMinutes: doc.minGapMinutes,
      backoffAfterUnanswered: doc.backoffAfterUnanswered,
      midConversationMinutes: doc.midConversationMinutes,
      snoozeDays: doc.snoozeDays,
      retentionLadderMinutes: doc.retentionLadderMinutes,
      minEngagement: doc.minEngagement,
    },
    characters,
  };
}

function toQuietHours(window: ClockWindow | null): QuietHours | null {
  if (!window) return null;
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { startMinute: minutes(window.start), endMinute: minutes(window.end) };
}
