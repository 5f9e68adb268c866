import { assertNever } from '../shared/assert-never.js';
import type { FunnelInput, FunnelRun, FunnelStep, FunnelTemplate } from './funnel.js';
import { readReplyAtStep } from './reply-intent.js';

/** What a transition did, for the funnel's events, the answer to the bot and the button. */
export type FunnelEventType =
  | 'step_advanced'
  | 'funnel_completed'
  | 'funnel_abandoned'
  | 'funnel_expired'
  | 'handoff'
  /** A message while no funnel runs: the bot's. */
  | 'passed_through'
  /** A button or a timeout of a step the run has left. */
  | 'outdated'
  /** A button or a timeout after the run ended. */
  | 'already_ended'
  /** A timeout that is not due yet. */
  | 'not_due';

export interface FunnelTransition {
  run: FunnelRun;
  /** The step to send now, or null. */
  send: string | null;
  /**
   * Whether the funnel answers the user's message (it sends the next step), so the bot must not.
   * Always `send !== null`: a message the funnel does not answer is never swallowed.
   */
  consumed: boolean;
  /** For the bot, with the message that passes through at the handoff step. */
  handoff: Record<string, unknown> | null;
  event: { type: FunnelEventType; reason: string };
}

/** Starts a run at the funnel's hook, which is sent as the proactive message. */
export function startFunnel(funnel: FunnelTemplate, now: Date): FunnelTransition {
  return moveTo(
    funnel,
    { funnelId: funnel.funnelId, stepId: funnel.start, status: 'active', stepSentAt: now },
    funnel.start,
    now,
    'started',
  );
}

/**
 * The next state of a run for one input, and what to send, with the reason. A run moves only
 * along the edges its funnel declares: a step's `next`, or the `next` of the choice taken. A
 * decline (a decline button, or a typed refusal) abandons, never completes; a typed yes advances
 * exactly as the step's advance button does; an unrelated message at a decision step abandons and
 * passes through to the bot; the message after the handoff step passes through with the payload.
 */
export function transitionFunnel(
  funnel: FunnelTemplate,
  run: FunnelRun,
  input: FunnelInput,
  now: Date,
): FunnelTransition {
  if (run.status !== 'active')
    return input.kind === 'reply'
      ? stay(run, 'passed_through', `run_${run.status}`)
      : stay(run, 'already_ended', `run_${run.status}`);
  const step = stepOf(funnel, run.stepId);
  switch (input.kind) {
    case 'timeout': {
      if (input.stepId !== run.stepId) return stay(run, 'outdated', `left_${input.stepId}`);
      if (step.timeoutMinutes === null) return stay(run, 'not_due', 'no_timeout');
      const due = run.stepSentAt.getTime() + step.timeoutMinutes * 60_000;
      if (now.getTime() < due) return stay(run, 'not_due', 'before_timeout');
      return end(run, 'expired', 'funnel_expired', `timeout_${step.stepId}`);
    }
    case 'button': {
      if (input.stepId !== run.stepId) return stay(run, 'outdated', `left_${input.stepId}`);
      const choice = step.choices.find((c) => c.choiceId === input.choiceId);
      if (choice === undefined) return stay(run, 'outdated', `no_choice_${input.choiceId}`);
      if (choice.action === 'decline')
        return end(run, 'abandoned', 'funnel_abandoned', `declined:choice:${choice.choiceId}`);
      return advance(funnel, run, step, choice.next ?? step.next, now, `choice:${choice.choiceId}`);
    }
    case 'reply': {
      if (step.handoff !== null)
        return { ...end(run, 'completed', 'handoff', `handoff_${step.stepId}`), handoff: step.handoff };
      const read = input.intent ?? readReplyAtStep(step, input.text);
      if (read.intent === 'decline') return end(run, 'abandoned', 'funnel_abandoned', `declined:${read.cue}`);
      if (read.intent === 'advance') {
        const choice = step.choices.find((c) => c.choiceId === read.choiceId);
        return advance(funnel, run, step, choice?.next ?? step.next, now, `typed:${read.cue}`);
      }
      if (step.otherReply === 'advance') return advance(funnel, run, step, step.next, now, 'answered');
      return end(run, 'abandoned', 'funnel_abandoned', 'unrelated');
    }
    default:
      return assertNever(input);
  }
}

function advance(
  funnel: FunnelTemplate,
  run: FunnelRun,
  step: FunnelStep,
  next: string | null,
  now: Date,
  reason: string,
): FunnelTransition {
  if (next === null)
    return end(run, 'completed', 'funnel_completed', `${reason}_at_last_step_${step.stepId}`);
  return moveTo(funnel, run, next, now, reason);
}

/** Sends `stepId`; a last step with no handoff completes the run as it is sent. */
function moveTo(
  funnel: FunnelTemplate,
  run: FunnelRun,
  stepId: string,
  now: Date,
  reason: string,
): FunnelTransition {
  const step = stepOf(funnel, stepId);
  // a closing message: nothing to answer and nowhere to go
  const completes =
    step.next === null &&
    step.handoff === null &&
    step.choices.length === 0 &&
    step.otherReply === 'unrelated';
  return {
    run: { ...run, stepId, stepSentAt: now, status: completes ? 'completed' : 'active' },
    send: stepId,
    consumed: true,
    handoff: null,
    event: { type: completes ? 'funnel_completed' : 'step_advanced', reason },
  };
}

function end(
  run: FunnelRun,
  status: 'completed' | 'abandoned' | 'expired',
  type: FunnelEventType,
  reason: string,
): FunnelTransition {
  return { run: { ...run, status }, send: null, consumed: false, handoff: null, event: { type, reason } };
}

function stay(run: FunnelRun, type: FunnelEventType, reason: string): FunnelTransition {
  return { run, send: null, consumed: false, handoff: null, event: { type, reason } };
}

function stepOf(funnel: FunnelTemplate, stepId: string): FunnelStep {
  const step = funnel.steps.find((s) => s.stepId === stepId);
  if (step === undefined) throw new Error(`funnel ${funnel.funnelId} has no step ${stepId}`);
  return step;
}
