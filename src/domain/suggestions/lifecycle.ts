/**
 * A suggestion's life: made `drafting` by a decision to speak; drafted to `pending` (a person
 * approves it), `approved`, or ended `dismissed` or `expired`; approved, its delivery takes it
 * through `sending` to `sent`, `failed` or `expired`, or to `unknown` when a platform gave no
 * answer (perhaps sent, never resent automatically).
 */
export const SUGGESTION_STATUSES = [
  'drafting',
  'pending',
  'approved',
  'sending',
  'sent',
  'dismissed',
  'expired',
  'failed',
  /**
   * Perhaps sent, never resent automatically: handed to a platform that gave no answer (a crash, a
   * timeout), or resent after such an answer and failed. Counts as sent for caps and backoff.
   */
  'unknown',
  /**
   * Made by a decision its trigger's holdout kept silent: it holds the occasion (never decided
   * again) and is final; no worker drafts or delivers it, and it counts for neither caps nor
   * backoff. Lists leave it out unless asked for by status.
   */
  'held_out',
] as const;
/** Where a suggestion is in its life. */
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/**
 * A delivery's life: `queued` (waiting for its attempt time) → `sending` (a worker holds it under
 * a lease) → `sent`, or back to `queued` after a retryable failure or when it was not handed over
 * (quiet hours, a conversation, the caps, the worker stopping, an error before the send), or
 * `failed` (permanent, or the last retry) or `unknown` (handed over and no answer, or failed after
 * an attempt that got none: perhaps sent, never resent automatically).
 * `handed_off`: given to the bot on the stream, waiting for its report.
 */
export const DELIVERY_STATUSES = ['queued', 'sending', 'handed_off', 'sent', 'failed', 'unknown'] as const;
/** Where a delivery is in its life. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A user's consent to messages the bot sends first. */
export const CONSENT = ['opted_in', 'unknown', 'opted_out'] as const;
/** A user's consent to messages the bot sends first. */
export type Consent = (typeof CONSENT)[number];

/**
 * Where a suggestion may go from each status, as the stages move it: drafting ends it `pending`,
 * `approved` (auto), `dismissed` (nothing to say) or `expired`; a person approves, dismisses or
 * finds expired a pending one; an auto-approved one with no reachable address `failed`; the
 * delivery's claim makes it `sending`, and a retry keeps it there with the reason; the outcome
 * makes it `sent`, `failed`, `expired` (too late to send) or `unknown`, and a report on an unknown
 * one `sent` or `failed`. The other four are final.
 */
export const SUGGESTION_TRANSITIONS: { readonly [S in SuggestionStatus]: readonly SuggestionStatus[] } = {
  drafting: ['pending', 'approved', 'dismissed', 'expired'],
  pending: ['approved', 'dismissed', 'expired'],
  approved: ['sending', 'failed'],
  sending: ['sending', 'sent', 'failed', 'unknown', 'expired'],
  unknown: ['sent', 'failed'],
  sent: [],
  dismissed: [],
  expired: [],
  failed: [],
  held_out: [],
};

/**
 * Throws when a suggestion in `from` may not move to `to`: a programming error (a stage writing a
 * status out of turn), never a caller's, so a plain Error rather than an API error code.
 */
export function assertSuggestionTransition(from: SuggestionStatus, to: SuggestionStatus): void {
  if (!SUGGESTION_TRANSITIONS[from].includes(to))
    throw new Error(
      `a suggestion cannot move from ${from} to ${to} (from ${from}: ${SUGGESTION_TRANSITIONS[from].join(', ') || 'nowhere, it is final'})`,
    );
}

/**
 * The statuses a suggestion may be in to move to `to`: what a conditional update that does not
 * know the row's status (`where status = any(...)`) may match.
 */
export function suggestionStatusesBefore(to: SuggestionStatus): SuggestionStatus[] {
  return SUGGESTION_STATUSES.filter((from) => SUGGESTION_TRANSITIONS[from].includes(to));
}
