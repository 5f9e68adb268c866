import type { OutcomeStatus } from '../domain/outcomes/outcome-status.js';
import type { Meaning } from '../domain/outcomes/reply-meaning.js';
import type { DeliveryStatus, SuggestionStatus } from '../domain/suggestions/lifecycle.js';
import type { Channel } from '../ports/channel.js';

/** A user's message opted them out of proactive messages (the ingest answer's `signals`). */
export interface OptedOut {
  tenantId: string;
  userId: string;
  /** null: every character. */
  characterId: string | null;
  scope: 'character' | 'all';
  /** The message that asked, and its time. */
  eventId: string;
  at: string;
  cue: string | null;
}

/** The events a tenant's stream carries (`/v1/stream`, `engine.stream.subscribe`), by name: what bots see. */
export interface StreamEventMap {
  /** A decision to speak made a suggestion (status drafting). */
  'suggestion.created': {
    tenantId: string;
    suggestionId: string;
    userId: string;
    characterId: string;
    triggerId: string;
    approval: 'auto' | 'suggest' | 'manual';
  };
  /**
   * A suggestion changed status (drafted, approved, dismissed, expired, sending, sent, failed,
   * unknown). Pushed on `/v1/stream`.
   */
  'suggestion.updated': {
    tenantId: string;
    suggestionId: string;
    userId: string;
    characterId: string;
    status: SuggestionStatus;
    /** Why it ended where it did (dismissed, expired, failed), else null. */
    reason: string | null;
    /** The opener, once composed. */
    text: string | null;
  };
  /** A delivery changed status (queued, sending, sent, failed, unknown, handed_off). Pushed on `/v1/stream`. */
  'delivery.updated': {
    tenantId: string;
    deliveryId: string;
    suggestionId: string;
    userId: string;
    characterId: string;
    channel: Channel;
    /** The user's address on the channel. */
    address: string;
    /** `public` when the address is a shared place others read (a group, a server channel). */
    audience: 'private' | 'public';
    status: DeliveryStatus;
    /** Attempts made so far. */
    attempts: number;
    /** The last failure's reason, else null. */
    reason: string | null;
    /** What is (or was) sent: a bot that sends itself (channel `stream`) needs it. */
    text: string;
    /** A funnel step's buttons: a bot that sends itself shows them, and forwards a press to `POST /v1/callbacks`. */
    choices: { label: string; data: string }[] | null;
  };
  /**
   * A proactive message's reply was attributed, or moved to a message sent later (a reply stored
   * late or out of order); or, `ignored`, its window passed without one (announced once, by the
   * scheduler's settling pass, within seconds of the window's end).
   */
  'outcome.recorded': {
    tenantId: string;
    /** The delivery's id. */
    outcomeId: string;
    suggestionId: string | null;
    userId: string;
    characterId: string;
    status: OutcomeStatus;
    repliedAt: string | null;
    replyEventId: string | null;
    latencySeconds: number | null;
    /** What the reply means (engaged, neutral, not_now, wrong_time, annoyed, stop); null without text. */
    meaning: Meaning | null;
  };
  /**
   * A user's message ("stop messaging me") opted them out of proactive messages from the
   * character, or from every character: the bot may confirm once in its own voice. Sent once, when
   * the consent changed.
   */
  'user.opted_out': OptedOut;
  /**
   * A funnel run moved: started (its hook left), a step sent, advanced, completed, abandoned,
   * expired, handed off, or its hook never sent. One per transition, with its reason.
   */
  'funnel.updated': {
    tenantId: string;
    runId: string;
    funnelId: string;
    userId: string;
    characterId: string;
    /** funnel_started, step_sent, step_advanced, funnel_completed, funnel_abandoned, funnel_expired, handoff or send_failed. */
    type: string;
    reason: string;
    /** The step it happened at, and its place in the run (0: the hook). */
    stepId: string;
    seq: number;
    /** The run's status after it: active, completed, abandoned or expired. */
    status: string;
  };
}

/** The names of the stream's events, in the order the API documents them. */
export const STREAM_EVENT_NAMES = [
  'suggestion.created',
  'suggestion.updated',
  'delivery.updated',
  'outcome.recorded',
  'user.opted_out',
  'funnel.updated',
] as const satisfies readonly (keyof StreamEventMap)[];
/** The name of one of the stream's events. */
export type StreamEventName = (typeof STREAM_EVENT_NAMES)[number];

/**
 * One event on a tenant's stream: the engine event's name, its payload (with `tenantId`, as
 * emitted) and when it was emitted, by the emitting instance's clock.
 */
export type StreamEvent = {
  [K in StreamEventName]: { type: K; data: StreamEventMap[K]; at: string };
}[StreamEventName];
