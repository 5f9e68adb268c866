import type { EngagementState } from '../outcomes/engagement.js';

/**
 * A funnel: a short proactive conversation. Its hook is a proactive message; each later step
 * answers the user; the last hands the conversation to the bot's own pipeline with a payload.
 * Steps move only along the edges declared here: a step's `next` and its choices' `next`.
 */
export interface FunnelTemplate {
  funnelId: string;
  name: string;
  /** The hook: the step sent as the proactive message. */
  start: string;
  steps: FunnelStep[];
  /** Whom it is for and how often: read by the selector (select-funnel.ts). */
  audience: FunnelAudience;
}

/** Whom a funnel suits; a funnel that names keywords or goals starts only for a user who matches one. */
export interface FunnelAudience {
  /** Words or phrases looked for in what is known of the user (facts, preferences). */
  keywords: string[];
  /** Words or phrases looked for in the user's goals (facts of category `goal`). */
  goals: string[];
  /** The least engagement of the pair at which it may start. */
  minEngagement: EngagementState;
  /** Least hours between two starts of it for one pair. */
  cooldownHours: number;
}

export interface FunnelStep {
  stepId: string;
  /** What is sent, a template over the topic and the character ("{topic}", "{character}"). */
  text: string;
  /**
   * `model`: the character's language model rewrites `text` in its voice, under the guardrails,
   * and the template is the fallback; `template`: the text as written, its slots filled.
   */
  compose: 'template' | 'model';
  /** Buttons; a typed reply that means one of them does exactly what the button does. */
  choices: FunnelChoice[];
  /**
   * Typed words that advance or decline at this step, matched on word boundaries, any language;
   * `model`: a reply the words leave undecided is read by the character's language model, when
   * one is configured (the words' reading stands when it fails).
   */
  intents: { advance: string[]; decline: string[]; model: boolean };
  /**
   * A typed reply that neither advances nor declines: `advance` takes any reply as the answer (a
   * step that asks for free text); `unrelated` (a decision step) abandons the funnel and leaves
   * the message to the bot.
   */
  otherReply: 'advance' | 'unrelated';
  /** Where advancing leads, when the choice taken names no step; null on the last step. */
  next: string | null;
  /** Without an answer by then, the funnel expires; null: it waits. */
  timeoutMinutes: number | null;
  /** On the last step: what the bot gets with the user's next message, which passes through. */
  handoff: Record<string, unknown> | null;
}

export interface FunnelChoice {
  choiceId: string;
  label: string;
  /** `decline` abandons the funnel: never a completion, never a positive signal. */
  action: 'advance' | 'decline';
  /** For `advance`: the step it leads to, else the step's `next`. */
  next?: string;
}

export const FUNNEL_STATUSES = ['active', 'completed', 'abandoned', 'expired'] as const;
export type FunnelStatus = (typeof FUNNEL_STATUSES)[number];

/** One user's run through a funnel. */
export interface FunnelRun {
  funnelId: string;
  stepId: string;
  status: FunnelStatus;
  /** When the current step was sent: its timeout counts from here. */
  stepSentAt: Date;
}

/** What a typed reply means at a step, and what decided it. */
export type StepIntent =
  | { intent: 'advance'; choiceId: string | null; cue: string }
  | { intent: 'decline'; cue: string }
  | { intent: 'other' };

/** What the user (or the clock) did; a reply may come read already (by the language model). */
export type FunnelInput =
  | { kind: 'reply'; text: string; intent?: StepIntent }
  | { kind: 'button'; stepId: string; choiceId: string }
  | { kind: 'timeout'; stepId: string };
