import type { Consent } from '../suggestions/lifecycle.js';

/** A consent as stored, with the instant it took effect and the message that set it, if one did. */
export interface ConsentRecord {
  consent: Consent;
  atMs: number | null;
  eventId: string | null;
}

/** The consent that applies to one (user, character) pair, and whose it is. */
export interface PairConsent extends ConsentRecord {
  by: 'user' | 'character';
}

/**
 * The user's own opt-out applies to every character; else the pair's own answer (a stop typed to
 * this character, or an explicit opt-in or opt-out for it); else the user's consent.
 */
export function pairConsent(user: ConsentRecord, pair: ConsentRecord | null): PairConsent {
  if (user.consent !== 'opted_out' && pair && pair.consent !== 'unknown') return { ...pair, by: 'character' };
  return { ...user, by: 'user' };
}
