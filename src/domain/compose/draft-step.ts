import type { Audience } from '../delivery/choose-channel.js';
import type { ScoredTopic, ScoreParts, TopicCandidate, TopicKind } from '../topics/select-topic.js';
import type { ApprovalMode, Trigger } from '../triggers/trigger.js';
import type {
  ComposeOutput,
  ComposeRequest,
  JudgeOutput,
  JudgeRequest,
  Speaker,
  TokenUsage,
} from './compose-request.js';
import type { GuardrailInput, GuardrailResult } from './guardrails.js';

/** What composing one claimed draft reads from the store, loaded before anything is decided. */
export interface DraftState {
  suggestionId: string;
  characterId: string;
  /** The occasion acted on: `loop:<loopId>` for the follow-up of an open loop. */
  occasionKey: string;
  approval: ApprovalMode;
  expiresAtMs: number;
  /** The trigger that made the suggestion; null when it was deleted since. */
  trigger: Trigger | null;
  speaker: Speaker;
  locale: string | null;
  /** Who will read the opener: the user alone, or others too (the channel it would go to is public). */
  audience: Audience;
  /** The user's last proactive openers (any character), most recent first. */
  recentOpeners: readonly RecentOpener[];
  /** The id of the model that writes (as recorded), or null for the template composer. */
  model: string | null;
  /** Why a configured model cannot be used (its key does not open), when it cannot. */
  modelProblem: string | null;
  /**
   * A follow-up's open loop as stored, when there is one: the sweep closed it (`followed_up`)
   * when it made the suggestion, so a context provider no longer lists it.
   */
  followedLoop: { candidate: TopicCandidate; closedReason: string | null } | null;
  /**
   * A funnel's message: the step to say (its script, and whether the model may word it), its place
   * in the run and the hook's topic (a later step stays on it); `gone` when the run has moved on
   * or ended since the step was made (nothing to write). Null: an opener of its own.
   */
  funnel: FunnelDraft | 'gone' | null;
}

/** The funnel step a draft says. */
export interface FunnelDraft {
  script: string;
  compose: 'template' | 'model';
  seq: number;
  hookTopic: TopicRecord | null;
}

/** One of the user's recent proactive openers, and the trigger that made it. */
export interface RecentOpener {
  text: string;
  topicId: string | null;
  triggerId: string;
}

/** What the character's context provider said of the user. */
export interface DraftContext {
  candidates: readonly TopicCandidate[];
  source: 'builtin' | 'callback';
  /** Why the bot's callback was not used, when it was configured and failed. */
  fallbackReason?: string;
}

/** Why a model call failed: a `ComposerError`'s reason and detail, or `error` for anything else. */
export interface ComposeFailure {
  reason: string;
  detail: string;
}

/** What the judge's model made of the question. */
export type JudgeAnswer = { output: JudgeOutput } | { failure: ComposeFailure };

/** What the model made of the compose request; `from` is the provider's name. */
export type ModelAnswer = { from: string } & ({ output: ComposeOutput } | { failure: ComposeFailure });

/** The judge's answer as kept on the suggestion. */
export type JudgeRecord =
  | { model: string; answer: 'yes' | 'no'; reason: string; usage: TokenUsage | null }
  | { model: string; failed: string; detail: string };

/** Why the template wrote the opener instead of the configured model. */
export type Fallback =
  | {
      from: string;
      reason: 'guardrail';
      violations: GuardrailResult['violations'];
      usage: TokenUsage | null;
    }
  | { from: string; reason: string; detail: string };

/** How a draft was composed, kept on the suggestion (`composition`, jsonb). */
export type Composition = {
  /** Who the opener was written for; absent on suggestions from before public channels (private). */
  audience?: Audience;
  context?: { source: DraftContext['source']; candidates: number; fallbackReason?: string };
  judge?: JudgeRecord | null;
  model?: string;
  usage?: TokenUsage | null;
  fallback?: Fallback;
  /** Every template opener's broken guardrails, when none passed. */
  violations?: GuardrailResult['violations'];
};

/** The topic an opener is about, as stored: with the score that chose it. */
export type TopicRecord = { id: string; kind: TopicKind; text: string; mention: string; score: ScoreParts };

/** Where a draft goes: composed (awaiting approval or approved), or ended with a reason. */
export interface DraftResult {
  status: 'pending' | 'approved' | 'dismissed' | 'expired';
  text: string | null;
  topic: TopicRecord | null;
  /** Who wrote the text: the configured model or the template composer. */
  writtenBy: 'model' | 'template' | null;
  composition: Composition;
  reason: string | null;
}

/** What an opener is to be: the request, the guardrails it must pass, the topics it was chosen from. */
export interface OpenerPlan {
  request: ComposeRequest;
  /** What the model's opener must pass: it repeats no recent opener. */
  guard: GuardrailInput;
  /** What the template's must pass: it repeats no recent opener of another trigger. */
  templateGuard: GuardrailInput;
  ranked: readonly ScoredTopic[];
}

/** Nothing more to do: write this. */
export interface DraftEnd {
  action: 'end';
  result: DraftResult;
}

/** Load what the character's context provider knows of the user, for `purpose`. */
export interface LoadContext {
  action: 'load_context';
  purpose: 'judge' | 'compose';
  state: DraftState;
  nowMs: number;
}

/** Ask the model the llm trigger's question. */
export interface AskJudge {
  action: 'judge';
  request: JudgeRequest;
  /** The model's id, as recorded. */
  model: string;
  state: DraftState;
  nowMs: number;
  context: DraftContext;
  composition: Composition;
}

/** Have the configured model write the opener. */
export interface AskModel {
  action: 'compose';
  request: ComposeRequest;
  /** The model's id, as recorded. */
  model: string;
  state: DraftState;
  plan: OpenerPlan;
  composition: Composition;
}

/** Have the template composer write the opener (`tries` of its phrasings refused so far). */
export interface AskTemplate {
  action: 'template';
  request: ComposeRequest;
  state: DraftState;
  plan: OpenerPlan;
  composition: Composition;
  tries: number;
  violations: GuardrailResult['violations'];
}

/** The next thing composing a draft does; the engine does the I/O each asks for. */
export type DraftStep = DraftEnd | LoadContext | AskJudge | AskModel | AskTemplate;

/** A draft that ends without an opener, with the reason. */
export function endDraft(
  status: 'dismissed' | 'expired',
  reason: string,
  composition: Composition,
): DraftEnd {
  return {
    action: 'end',
    result: { status, text: null, topic: null, writtenBy: null, composition, reason },
  };
}
