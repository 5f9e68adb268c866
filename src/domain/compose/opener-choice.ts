import type { ComposeOutput, ComposeRequest } from './compose-request.js';
import {
  type AskModel,
  type AskTemplate,
  type Composition,
  type DraftEnd,
  type DraftState,
  endDraft,
  type ModelAnswer,
  type OpenerPlan,
  type TopicRecord,
} from './draft-step.js';
import { checkOpener } from './guardrails.js';
import { mentionOf } from './mention.js';
import { openerKey } from './repetition.js';

/** Phrasings the template tries, one seed after another, before giving up on a draft. */
export const TEMPLATE_TRIES = 6;

/**
 * After the model answered: its opener when it passes the guardrails (with the model and the
 * tokens recorded), else the template's turn, with the fallback saying from what and why (a
 * broken guardrail, or the call's failure).
 */
export function readModelOpener(step: AskModel, answer: ModelAnswer): DraftEnd | AskTemplate {
  const model = step.model;
  if ('output' in answer) {
    const out = answer.output;
    const check = checkOpener(out.text, step.plan.guard);
    if (check.ok)
      return written(step.state, step.plan, out.text.trim(), out.topicId, 'model', {
        ...step.composition,
        model,
        usage: out.usage,
      });
    return askTemplate(step.state, step.plan, {
      ...step.composition,
      model,
      fallback: { from: answer.from, reason: 'guardrail', violations: check.violations, usage: out.usage },
    });
  }
  const { reason, detail } = answer.failure;
  return askTemplate(step.state, step.plan, {
    ...step.composition,
    model,
    fallback: { from: answer.from, reason, detail },
  });
}

/**
 * After the template wrote: its opener when it passes the guardrails (it may say again what its
 * own trigger said, `repetitionRule`), else another phrasing (the next seed, the refused text
 * marked as used by another), and after `TEMPLATE_TRIES` the draft is dismissed with every
 * violation kept.
 */
export function readTemplateOpener(step: AskTemplate, output: ComposeOutput): DraftEnd | AskTemplate {
  const check = checkOpener(output.text, step.plan.templateGuard);
  if (check.ok)
    return written(step.state, step.plan, output.text, output.topicId, 'template', step.composition);
  const violations = [...step.violations, ...check.violations];
  const tries = step.tries + 1;
  if (tries >= TEMPLATE_TRIES)
    return endDraft('dismissed', 'every template opener broke a guardrail', {
      ...step.composition,
      violations,
    });
  const request = { ...refusing(step.request, output.text), seed: step.plan.request.seed + tries };
  return { ...step, request, tries, violations };
}

/** The request again, with a refused opener no longer new nor reusable, so the template moves on. */
function refusing(request: ComposeRequest, text: string): ComposeRequest {
  const key = openerKey(text);
  return {
    ...request,
    recentOpeners: [...request.recentOpeners, text],
    reusableOpeners: request.reusableOpeners.filter((o) => openerKey(o) !== key),
  };
}

/** The template's first try at the plan's request. */
export function askTemplate(state: DraftState, plan: OpenerPlan, composition: Composition): AskTemplate {
  return {
    action: 'template',
    request: plan.request,
    state,
    plan,
    composition,
    tries: 0,
    violations: [],
  };
}

function written(
  state: DraftState,
  plan: OpenerPlan,
  text: string,
  topicId: string | null,
  writtenBy: 'model' | 'template',
  composition: Composition,
): DraftEnd {
  return {
    action: 'end',
    result: {
      status: state.approval === 'auto' ? 'approved' : 'pending',
      text,
      topic: topicRecord(plan, topicId),
      writtenBy,
      composition,
      reason: null,
    },
  };
}

/** The topic the opener is about, as stored: with the score that chose it, when one did. */
function topicRecord(plan: OpenerPlan, topicId: string | null): TopicRecord | null {
  if (topicId === null) return null;
  const scored = plan.ranked.find((t) => t.candidate.id === topicId);
  if (!scored) return null;
  const c = scored.candidate;
  const topic = plan.request.topic;
  return {
    id: c.id,
    kind: c.kind,
    text: c.text,
    mention: topic?.id === c.id ? topic.mention : mentionOf(c),
    score: scored.score,
  };
}
