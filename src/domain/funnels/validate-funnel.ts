import type { FunnelTemplate } from './funnel.js';

/** A rule a funnel breaks, at the field that breaks it ("steps[2].next"). */
export interface FunnelIssue {
  path: string;
  message: string;
}

/**
 * What is wrong with a funnel, each at its step and field: ids missing or repeated, an edge to a
 * step that does not exist, a decline that leads somewhere, a handoff on a step that goes on, a
 * step that cannot be reached from the hook, and a cycle in which no step has a timeout (a run
 * could go round it for ever). Empty when the funnel is sound.
 */
export function validateFunnel(funnel: FunnelTemplate): FunnelIssue[] {
  const issues: FunnelIssue[] = [];
  const index = new Map<string, number>();
  funnel.steps.forEach((step, i) => {
    if (index.has(step.stepId))
      issues.push({ path: `steps[${i}].stepId`, message: `repeats the step id "${step.stepId}"` });
    else index.set(step.stepId, i);
  });
  if (funnel.steps.length === 0) issues.push({ path: 'steps', message: 'must hold at least one step' });
  if (!index.has(funnel.start)) issues.push({ path: 'start', message: `names no step: "${funnel.start}"` });
  funnel.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (step.text.trim() === '') issues.push({ path: `${at}.text`, message: 'must not be empty' });
    if (step.next !== null && !index.has(step.next))
      issues.push({ path: `${at}.next`, message: `names no step: "${step.next}"` });
    if (step.timeoutMinutes !== null && (!Number.isInteger(step.timeoutMinutes) || step.timeoutMinutes < 1))
      issues.push({
        path: `${at}.timeoutMinutes`,
        message: 'must be a whole number of minutes, at least 1, or null',
      });
    const goesOn = step.next !== null || step.choices.some((c) => c.next !== undefined);
    if (step.handoff !== null && goesOn)
      issues.push({ path: `${at}.handoff`, message: 'belongs on a last step: this step leads on' });
    if (step.otherReply === 'advance' && step.next === null && step.handoff === null)
      issues.push({ path: `${at}.next`, message: 'must name a step: any reply advances here' });
    const seen = new Set<string>();
    step.choices.forEach((choice, j) => {
      const cat = `${at}.choices[${j}]`;
      if (seen.has(choice.choiceId))
        issues.push({ path: `${cat}.choiceId`, message: `repeats "${choice.choiceId}"` });
      seen.add(choice.choiceId);
      if (choice.action === 'decline' && choice.next !== undefined)
        issues.push({ path: `${cat}.next`, message: 'must be absent: a decline ends the funnel' });
      if (choice.next !== undefined && !index.has(choice.next))
        issues.push({ path: `${cat}.next`, message: `names no step: "${choice.next}"` });
      if (choice.action === 'advance' && choice.next === undefined && step.next === null)
        issues.push({ path: `${cat}.next`, message: "must name a step: the step's next is null" });
    });
  });
  if (issues.length > 0) return issues;
  return [...unreachable(funnel, index), ...cyclesWithoutTimeout(funnel, index)];
}

/** The steps a step leads to: its next and its choices' next. */
export function edgesOf(funnel: FunnelTemplate, stepId: string): string[] {
  const step = funnel.steps.find((s) => s.stepId === stepId);
  if (step === undefined) return [];
  const out = step.choices.flatMap((c) => (c.next === undefined ? [] : [c.next]));
  if (step.next !== null) out.push(step.next);
  return [...new Set(out)];
}

function unreachable(funnel: FunnelTemplate, index: Map<string, number>): FunnelIssue[] {
  const reached = new Set([funnel.start]);
  const queue = [funnel.start];
  while (queue.length > 0)
    for (const next of edgesOf(funnel, queue.shift()!))
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
  return funnel.steps
    .filter((s) => !reached.has(s.stepId))
    .map((s) => ({
      path: `steps[${index.get(s.stepId)}]`,
      message: `cannot be reached from "${funnel.start}"`,
    }));
}

/** Each cycle of steps none of which has a timeout, reported once at its first step. */
function cyclesWithoutTimeout(funnel: FunnelTemplate, index: Map<string, number>): FunnelIssue[] {
  const waits = new Set(funnel.steps.filter((s) => s.timeoutMinutes === null).map((s) => s.stepId));
  const issues: FunnelIssue[] = [];
  const reported = new Set<string>();
  // a cycle among steps that wait for ever: depth-first search over those steps only
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    path.push(id);
    for (const next of edgesOf(funnel, id)) {
      if (!waits.has(next)) continue;
      if (state.get(next) === 'open') {
        const cycle = path.slice(path.indexOf(next));
        if (!cycle.some((c) => reported.has(c))) {
          for (const c of cycle) reported.add(c);
          issues.push({
            path: `steps[${index.get(next)}]`,
            message: `is in a cycle with no timeout: ${[...cycle, next].join(' → ')}`,
          });
        }
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const id of waits) if (!state.has(id)) visit(id);
  return issues;
}
