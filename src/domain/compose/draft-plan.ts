import type { TopicCandidate } from '../topics/select-topic.js';
import {
  type AskJudge,
  type AskModel,
  type AskTemplate,
  type Composition,
  type DraftContext,
  type DraftEnd,
  type DraftState,
  endDraft,
  type JudgeAnswer,
  type JudgeRecord,
  type LoadContext,
} from './draft-step.js';
import { planOpener } from './opener-plan.js';

/** Things known of the user an llm trigger's question is asked about, the most salient first. */
const JUDGE_CONTEXT = 30;

/**
 * How composing a claimed draft starts: one whose time passed expires unwritten; any other needs
 * the user's context, for the judge's question (an `llm` trigger) or for the opener. Each step
 * after is read from what the engine fetched: `readContext`, `readJudgement`, then
 * `readModelOpener` and `readTemplateOpener` (./opener-choice.ts), until a step says `end`.
 *
 * @example
 * let step = planDraft(state, now.getTime()); // { action: 'load_context', purpose: 'compose', ... }
 */
export function planDraft(state: DraftState, nowMs: number): DraftEnd | LoadContext {
  if (state.expiresAtMs <= nowMs) return endDraft('expired', 'expired before it was drafted', {});
  if (state.funnel === 'gone')
    return endDraft('dismissed', 'the funnel moved on before this step was written', {});
  const purpose = state.trigger?.spec.kind === 'llm' ? 'judge' : 'compose';
  return { action: 'load_context', purpose, state, nowMs };
}

/**
 * With the user's context: an `llm` trigger's question is asked first, unless there is nothing
 * to ask about (an empty context) or no model to ask (both end the draft, with the reason);
 * anything else goes on to the opener.
 */
export function readContext(
  step: LoadContext,
  context: DraftContext,
): DraftEnd | AskJudge | AskModel | AskTemplate {
  const { state, nowMs } = step;
  const composition: Composition = {
    audience: state.audience,
    context: {
      source: context.source,
      candidates: context.candidates.length,
      ...(context.fallbackReason ? { fallbackReason: context.fallbackReason } : {}),
    },
  };
  const spec = state.trigger?.spec;
  if (spec?.kind !== 'llm') return planOpener(state, context, composition, nowMs);
  const notAsked = { ...composition, judge: null };
  if (context.candidates.length === 0)
    return endDraft('dismissed', 'nothing to ask about: the context is empty', notAsked);
  if (state.model === null) {
    const why = state.modelProblem ?? 'no language model is configured';
    return endDraft('dismissed', `an llm trigger needs a language model: ${why}`, notAsked);
  }
  return {
    action: 'judge',
    request: {
      question: spec.question,
      speaker: state.speaker,
      locale: state.locale,
      context: judgeContext(context.candidates),
      nowIso: new Date(nowMs).toISOString(),
    },
    model: state.model,
    state,
    nowMs,
    context,
    composition,
  };
}

/**
 * After the judge answered: only a yes goes on to the opener; a no, or a model that failed to
 * answer (counted as no), ends the draft with the reason. Either way the answer is kept.
 */
export function readJudgement(step: AskJudge, answer: JudgeAnswer): DraftEnd | AskModel | AskTemplate {
  const model = step.model;
  let record: JudgeRecord;
  let no: string | null;
  if ('output' in answer) {
    const out = answer.output;
    record = { model, answer: out.answer ? 'yes' : 'no', reason: out.reason, usage: out.usage };
    no = out.answer ? null : `the model answered no: ${out.reason}`;
  } else {
    record = { model, failed: answer.failure.reason, detail: answer.failure.detail };
    no = `the model could not answer (${answer.failure.reason}): counted as no`;
  }
  const composition = { ...step.composition, judge: record };
  if (no !== null) return endDraft('dismissed', no, composition);
  return planOpener(step.state, step.context, composition, step.nowMs);
}

/** What the judge is shown: the most salient things known, the newest first among equals. */
function judgeContext(candidates: readonly TopicCandidate[]) {
  return [...candidates]
    .sort((a, b) => b.salience - a.salience || b.atMs - a.atMs)
    .slice(0, JUDGE_CONTEXT)
    .map((c) => ({ id: c.id, kind: c.kind, text: c.text }));
}
