import type { ComposeRequest, Speaker } from '../../domain/compose/compose-request.js';
import { checkOpener, type GuardrailInput } from '../../domain/compose/guardrails.js';
import { mentionOf } from '../../domain/compose/mention.js';
import type { OpenerReason, Tone } from '../../domain/compose/template.js';
import { fnv1a, seededRandom } from '../../domain/shared/random.js';
import { type ScoredTopic, selectTopic, type TopicCandidate } from '../../domain/topics/select-topic.js';
import type { Trigger } from '../../domain/triggers/trigger.js';
import { type Composer, ComposerError, type LlmProviderFactory } from '../../ports/composer.js';
import { findCharacter } from '../../storage/character.repository.js';
import { type ClaimedDraft, type DraftOutcome, recentOpeners } from '../../storage/draft.repository.js';
import { findOpenLoop } from '../../storage/open-loop.repository.js';
import { findUserLocale } from '../../storage/user.repository.js';
import { openLoopCandidate } from '../context/builtin-context.js';
import { loadUserContext } from '../context/context-providers.js';
import type { EngineContext } from '../kernel/resources.js';
import { type ResolvedProvider, resolveLlmProvider } from './llm-providers.js';

/** Longest opener, in characters: a chat message, not a letter. */
export const OPENER_MAX_LENGTH = 300;
/** The user's last proactive openers that a new one must not repeat. */
const RECENT_OPENERS = 5;
/** Other things known of the user given to a model besides the topic. */
const CONTEXT_FACTS = 8;
/** Other phrasings the template tries when one breaks a guardrail. */
const TEMPLATE_TRIES = 6;
/** Things known of the user an llm trigger's question is asked about, the most salient first. */
const JUDGE_CONTEXT = 30;

/** What composing needs besides the engine's resources: the composers. */
export interface ComposeDeps {
  template: Composer;
  /** A model for these settings (the engine keeps one per settings). */
  llm: LlmProviderFactory;
}

/**
 * Writes the opener of one claimed suggestion: loads what is known of the user (through the
 * character's context provider), picks the topic (`selectTopic`; a follow-up is about its open
 * loop), asks the configured model, and holds its opener to the guardrails. A model that fails,
 * times out or writes an opener that breaks a guardrail is replaced by the template composer,
 * and the outcome records who wrote it, the tokens used and why any fallback happened. When the
 * trigger needs a topic and there is none, it says so and writes nothing.
 */
export async function composeDraft(
  ctx: EngineContext,
  deps: ComposeDeps,
  draft: ClaimedDraft,
  signal: AbortSignal,
): Promise<DraftOutcome> {
  const now = ctx.clock.now();
  const composition: Record<string, unknown> = {};
  const end = (status: 'dismissed' | 'expired', reason: string): DraftOutcome => ({
    status,
    text: null,
    topic: null,
    composer: null,
    composition,
    reason,
  });
  if (draft.expiresAt <= now) return end('expired', 'expired before it was drafted');

  const { tenantId, userId, characterId } = draft;
  const [triggers, character, user, recent] = await Promise.all([
    ctx.triggers.get(tenantId),
    findCharacter(ctx.db, tenantId, characterId),
    findUserLocale(ctx.db, tenantId, userId),
    recentOpeners(ctx.db, tenantId, userId, RECENT_OPENERS),
  ]);
  const trigger = triggers.find((t) => t.id === draft.triggerId);
  const speaker: Speaker = {
    characterId,
    name: character?.name ?? null,
    persona: character?.persona ?? null,
    tone: (character?.voice.tone ?? 'warm') as Tone,
  };
  const judged = trigger?.spec.kind === 'llm';
  const context = await loadUserContext(
    ctx,
    { tenantId, userId, characterId, purpose: judged ? 'judge' : 'compose', now },
    { signal },
  );
  composition.context = {
    source: context.source,
    candidates: context.candidates.length,
    ...(context.fallbackReason ? { fallbackReason: context.fallbackReason } : {}),
  };

  const provider = await resolveLlmProvider(ctx, tenantId, characterId);
  if (trigger?.spec.kind === 'llm') {
    const verdict = await judge(
      deps,
      provider,
      trigger.spec.question,
      context.candidates,
      speaker,
      user?.locale ?? null,
      now,
      signal,
    );
    composition.judge = verdict.record;
    if (!verdict.yes) return end('dismissed', verdict.reason);
  }

  // Where the message will be read decides whether sensitive topics may come up. Delivery (and
  // with it the user's channel) is not built yet; until it is, every opener is for a private chat.
  const channel = 'private' as const;
  const candidates = await withFollowedLoop(ctx, draft, context.candidates);
  // the same suggestion composes the same way
  const seed = fnv1a(draft.suggestionId);
  const topics = chooseTopic(candidates, draft, {
    nowMs: now.getTime(),
    characterId,
    channel,
    recentTopicIds: recent.flatMap((r) => (r.topicId ? [r.topicId] : [])),
    seed,
  });
  if (topics.problem) return end('dismissed', topics.problem);
  const chosen = topics.chosen;
  if (!chosen && needsTopic(trigger))
    return end('dismissed', 'nothing to say: the trigger needs a topic and there is none');

  const request: ComposeRequest = {
    reason: reasonOf(trigger),
    speaker,
    locale: user?.locale ?? null,
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
    recentOpeners: recent.map((r) => r.text),
    channel,
    maxLength: OPENER_MAX_LENGTH,
    seed,
  };
  const guard: GuardrailInput = {
    maxLength: OPENER_MAX_LENGTH,
    recentOpeners: request.recentOpeners,
    channel,
    sensitiveTexts: context.candidates.filter((c) => c.sensitive).map((c) => c.text),
  };

  let fallback: Record<string, unknown> | undefined;
  if (provider.settings) {
    const model = deps.llm(provider.settings);
    try {
      const out = await model.compose(request, { signal });
      const check = checkOpener(out.text, guard);
      if (check.ok) {
        composition.model = provider.settings.model;
        composition.usage = out.usage;
        return written(
          draft,
          out.text.trim(),
          topicRecord(topics.ranked, out.topicId, request),
          model.name,
          composition,
        );
      }
      fallback = { from: model.name, reason: 'guardrail', violations: check.violations, usage: out.usage };
    } catch (error) {
      if (signal.aborted) throw error;
      const e = error instanceof ComposerError ? error : undefined;
      fallback = { from: model.name, reason: e?.reason ?? 'error', detail: e?.detail ?? String(error) };
      if (!e)
        ctx.logger.error({ err: error, suggestionId: draft.suggestionId }, 'composer failed unexpectedly');
    }
    composition.model = provider.settings.model;
  } else if (provider.problem) {
    fallback = { from: 'provider', reason: 'unusable_settings', detail: provider.problem };
  }
  if (fallback) composition.fallback = fallback;

  const violations: unknown[] = [];
  for (let i = 0; i < TEMPLATE_TRIES; i++) {
    const out = await deps.template.compose({ ...request, seed: request.seed + i }, { signal });
    const check = checkOpener(out.text, guard);
    if (check.ok)
      return written(
        draft,
        out.text,
        topicRecord(topics.ranked, out.topicId, request),
        'template',
        composition,
      );
    violations.push(...check.violations);
  }
  composition.violations = violations;
  return end('dismissed', 'every template opener broke a guardrail');
}

/**
 * The llm trigger's question, asked of the character's model about what is known of the user.
 * Only a yes goes on: an empty context is not asked about (nothing to judge), and a model that is
 * missing or fails counts as no, with the reason.
 */
async function judge(
  deps: ComposeDeps,
  provider: ResolvedProvider,
  question: string,
  candidates: readonly TopicCandidate[],
  speaker: Speaker,
  locale: string | null,
  now: Date,
  signal: AbortSignal,
): Promise<{ yes: boolean; reason: string; record: Record<string, unknown> | null }> {
  if (candidates.length === 0)
    return { yes: false, reason: 'nothing to ask about: the context is empty', record: null };
  if (!provider.settings) {
    const why = provider.problem ?? 'no language model is configured';
    return { yes: false, reason: `an llm trigger needs a language model: ${why}`, record: null };
  }
  const model = deps.llm(provider.settings);
  const context = [...candidates]
    .sort((a, b) => b.salience - a.salience || b.atMs - a.atMs)
    .slice(0, JUDGE_CONTEXT)
    .map((c) => ({ id: c.id, kind: c.kind, text: c.text }));
  try {
    const out = await model.judge(
      { question, speaker, locale, context, nowIso: now.toISOString() },
      { signal },
    );
    const record = {
      model: provider.settings.model,
      answer: out.answer ? 'yes' : 'no',
      reason: out.reason,
      usage: out.usage,
    };
    return { yes: out.answer, reason: `the model answered no: ${out.reason}`, record };
  } catch (error) {
    if (signal.aborted) throw error;
    const e = error instanceof ComposerError ? error : undefined;
    const record = {
      model: provider.settings.model,
      failed: e?.reason ?? 'error',
      detail: e?.detail ?? String(error),
    };
    return { yes: false, reason: `the model could not answer (${record.failed}): counted as no`, record };
  }
}

function written(
  draft: ClaimedDraft,
  text: string,
  topic: Record<string, unknown> | null,
  composer: DraftOutcome['composer'],
  composition: Record<string, unknown>,
): DraftOutcome {
  return {
    status: draft.approval === 'auto' ? 'approved' : 'pending',
    text,
    topic,
    composer,
    composition,
    reason: null,
  };
}

/**
 * The topic: a follow-up is about the open loop it follows (gone, closed or deleted since: there
 * is nothing to follow up); anything else, the best that `selectTopic` finds.
 */
function chooseTopic(
  candidates: readonly TopicCandidate[],
  draft: ClaimedDraft,
  context: {
    nowMs: number;
    characterId: string;
    channel: 'private' | 'public';
    recentTopicIds: string[];
    seed: number;
  },
): { chosen: ScoredTopic | null; ranked: ScoredTopic[]; problem?: string } {
  const selection = selectTopic(candidates, {
    ...context,
    // a follow-up names its loop even if the last message was about it (it was the reminder)
    recentTopicIds: draft.occasionKey.startsWith('loop:')
      ? context.recentTopicIds.filter((id) => id !== draft.occasionKey)
      : context.recentTopicIds,
    random: seededRandom(context.seed),
  });
  if (!draft.occasionKey.startsWith('loop:')) return selection;
  const loop = selection.ranked.find((t) => t.candidate.id === draft.occasionKey);
  if (!loop)
    return {
      chosen: null,
      ranked: selection.ranked,
      problem: 'nothing to say: the open loop is closed or gone',
    };
  return { chosen: loop, ranked: selection.ranked };
}

/**
 * A follow-up is about its open loop, which the sweep closed (`followed_up`) when it made the
 * suggestion, and which a bot's own memory does not know: it is read from the store. One closed
 * through the API since is gone (there is nothing to follow up).
 */
async function withFollowedLoop(ctx: EngineContext, draft: ClaimedDraft, candidates: TopicCandidate[]) {
  if (!draft.occasionKey.startsWith('loop:') || candidates.some((c) => c.id === draft.occasionKey))
    return candidates;
  const loop = await findOpenLoop(
    ctx.db,
    draft.tenantId,
    draft.userId,
    draft.occasionKey.slice('loop:'.length),
  );
  if (!loop || loop.closed_reason === 'closed_by_api') return candidates;
  return [...candidates, openLoopCandidate(loop)];
}

/** The topic the opener is about, as stored: with the score that chose it, when one did. */
function topicRecord(ranked: readonly ScoredTopic[], topicId: string | null, request: ComposeRequest) {
  if (topicId === null) return null;
  const scored = ranked.find((t) => t.candidate.id === topicId);
  if (!scored) return null;
  const c = scored.candidate;
  return {
    id: c.id,
    kind: c.kind,
    text: c.text,
    mention: request.topic?.id === c.id ? request.topic.mention : mentionOf(c),
    score: scored.score,
  };
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

function reasonOf(trigger: Trigger | undefined): OpenerReason {
  return (trigger && REASONS[trigger.spec.kind]) ?? 'manual';
}

/** Follow-ups are about their loop; without one there is nothing to say. */
function needsTopic(trigger: Trigger | undefined): boolean {
  return trigger?.spec.kind === 'follow_up';
}
