import { fnv1a, seededRandom } from '../shared/random.js';
import { type ScoredTopic, selectTopic, type TopicCandidate } from '../topics/select-topic.js';
import type { Trigger } from '../triggers/trigger.js';
import type { ComposeRequest } from './compose-request.js';
import {
  type AskModel,
  type AskTemplate,
  type Composition,
  type DraftContext,
  type DraftEnd,
  type DraftState,
  endDraft,
  type FunnelDraft,
  type OpenerPlan,
} from './draft-step.js';
import { mentionOf } from './mention.js';
import { askTemplate } from './opener-choice.js';
import { repetitionRule } from './repetition.js';
import type { OpenerReason } from './template.js';

/** Longest opener, in characters: a chat message, not a letter. */
const OPENER_MAX_LENGTH = 300;
/** Other things known of the user given to a model besides the topic. */
const CONTEXT_FACTS = 8;

/**
 * What the opener is to be about and who writes it first: the topic (`selectTopic`; a follow-up
 * is about its open loop, and with the loop gone there is nothing to say), the compose request
 * and the guardrails, then the configured model, or the template when there is none.
 */
export function planOpener(
  state: DraftState,
  context: DraftContext,
  composition: Composition,
  nowMs: number,
): DraftEnd | AskModel | AskTemplate {
  // Where the message will be read decides whether sensitive topics may come up: in a public
  // place they are neither the topic nor given to the model, and the guardrails refuse a hint.
  const channel = state.audience;
  // the same suggestion composes the same way
  const seed = fnv1a(state.suggestionId);
  const funnel = state.funnel === 'gone' ? null : state.funnel;
  const topics = chooseTopic(withFollowedLoop(state, context.candidates), state, {
    nowMs,
    characterId: state.characterId,
    channel,
    recentTopicIds: state.recentOpeners.flatMap((r) => (r.topicId ? [r.topicId] : [])),
    seed,
  });
  if (topics.problem) return endDraft('dismissed', topics.problem, composition);
  // a funnel's later step stays on the hook's topic
  const chosen = funnel && funnel.seq > 0 ? hookTopic(funnel, topics.ranked) : topics.chosen;
  if (!chosen && needsTopic(state.trigger))
    return endDraft('dismissed', 'nothing to say: the trigger needs a topic and there is none', composition);

  const repetition = repetitionRule(state.recentOpeners, state.trigger?.id ?? null);
  const request: ComposeRequest = {
    reason: reasonOf(state.trigger),
    speaker: state.speaker,
    locale: state.locale,
    topic: chosen
      ? {
          id: chosen.candidate.id,
          kind: chosen.candidate.kind,
          text: chosen.candidate.text,
          mention: mentionOf(chosen.candidate),
        }
      : null,
    facts: topics.ranked
      .filter((t) => t !== chosen && !(channel !== 'private' && t.candidate.sensitive))
      .slice(0, CONTEXT_FACTS)
      .map((t) => ({ id: t.candidate.id, text: t.candidate.text })),
    recentOpeners: repetition.all,
    reusableOpeners: repetition.reusable,
    channel,
    maxLength: OPENER_MAX_LENGTH,
    seed,
    script: funnel?.script ?? null,
  };
  const guard = {
    maxLength: OPENER_MAX_LENGTH,
    // a funnel says its steps again each time it runs (its cooldown spaces them)
    recentOpeners: funnel ? [] : repetition.all,
    channel,
    sensitiveTexts: context.candidates.filter((c) => c.sensitive).map((c) => c.text),
  };
  const plan: OpenerPlan = {
    request,
    guard,
    templateGuard: { ...guard, recentOpeners: funnel ? [] : repetition.others },
    ranked: topics.ranked,
  };
  // a funnel step is worded by the model only when its template asks for that
  if (state.model !== null && (funnel === null || funnel.compose === 'model'))
    return { action: 'compose', request, model: state.model, state, plan, composition };
  const unusable = state.modelProblem
    ? { fallback: { from: 'provider', reason: 'unusable_settings', detail: state.modelProblem } }
    : {};
  return askTemplate(state, plan, { ...composition, ...unusable });
}

/** The hook's topic as a scored topic, for a later step of its funnel; null when it had none. */
function hookTopic(funnel: FunnelDraft, ranked: readonly ScoredTopic[]): ScoredTopic | null {
  const t = funnel.hookTopic;
  if (t === null) return null;
  return (
    ranked.find((r) => r.candidate.id === t.id) ?? {
      candidate: {
        id: t.id,
        kind: t.kind,
        text: t.text,
        mention: t.mention,
        salience: 0,
        atMs: 0,
        sensitive: false,
        characterId: null,
      },
      score: t.score,
    }
  );
}

/**
 * A follow-up is about its open loop, which a bot's own memory does not know and the built-in
 * store no longer lists as open: it is added from the store. One closed through the API since is
 * gone (there is nothing to follow up).
 */
function withFollowedLoop(state: DraftState, candidates: readonly TopicCandidate[]) {
  const loop = state.followedLoop;
  if (!state.occasionKey.startsWith('loop:') || candidates.some((c) => c.id === state.occasionKey))
    return candidates;
  if (!loop || loop.closedReason === 'closed_by_api') return candidates;
  return [...candidates, loop.candidate];
}

/**
 * The topic: a follow-up is about the open loop it follows (gone, closed or deleted since: there
 * is nothing to follow up); anything else, the best that `selectTopic` finds.
 */
function chooseTopic(
  candidates: readonly TopicCandidate[],
  state: DraftState,
  context: {
    nowMs: number;
    characterId: string;
    channel: 'private' | 'public';
    recentTopicIds: string[];
    seed: number;
  },
): { chosen: ScoredTopic | null; ranked: ScoredTopic[]; problem?: string } {
  const followUp = state.occasionKey.startsWith('loop:');
  const selection = selectTopic(candidates, {
    ...context,
    // a follow-up names its loop even if the last message was about it (it was the reminder)
    recentTopicIds: followUp
      ? context.recentTopicIds.filter((id) => id !== state.occasionKey)
      : context.recentTopicIds,
    random: seededRandom(context.seed),
  });
  if (!followUp) return selection;
  const loop = selection.ranked.find((t) => t.candidate.id === state.occasionKey);
  if (!loop)
    return {
      chosen: null,
      ranked: selection.ranked,
      problem: 'nothing to say: the open loop is closed or gone',
    };
  return { chosen: loop, ranked: selection.ranked };
}

const REASONS: Record<string, OpenerReason> = {
  silence: 'silence',
  active_now: 'active_now',
  schedule: 'schedule',
  event: 'event',
  webhook: 'webhook',
  follow_up: 'follow_up',
  // the model found something worth bringing up: "got a minute? I'd love to hear how … is going"
  llm: 'active_now',
};

function reasonOf(trigger: Trigger | null): OpenerReason {
  return (trigger && REASONS[trigger.spec.kind]) ?? 'manual';
}

/** Follow-ups are about their loop; without one there is nothing to say. */
function needsTopic(trigger: Trigger | null): boolean {
  return trigger?.spec.kind === 'follow_up';
}
