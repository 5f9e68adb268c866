import type { FunnelStep, FunnelTemplate } from './funnel.js';

/** A step with nothing set but its id and text; tests and examples override what they need. */
export function step(stepId: string, overrides: Partial<FunnelStep> = {}): FunnelStep {
  return {
    stepId,
    text: `text of ${stepId}`,
    choices: [],
    intents: { advance: [], decline: [] },
    otherReply: 'unrelated',
    next: null,
    timeoutMinutes: null,
    handoff: null,
    ...overrides,
  };
}

/**
 * Plan the weekend, the companion example of the issue: a hook with yes / not now buttons, a
 * free-text question, then a handoff with a payload for the bot.
 */
export const WEEKEND: FunnelTemplate = {
  funnelId: 'plan-weekend',
  name: 'Plan the weekend',
  start: 'hook',
  steps: [
    step('hook', {
      text: 'Want to plan something fun for the weekend?',
      choices: [
        { choiceId: 'yes', label: "Yes, let's plan", action: 'advance' },
        { choiceId: 'later', label: 'Not now', action: 'decline' },
      ],
      next: 'where',
      timeoutMinutes: 240,
    }),
    step('where', {
      text: 'Which part of town are you in?',
      otherReply: 'advance',
      next: 'handoff',
      timeoutMinutes: 240,
    }),
    step('handoff', {
      text: "Great, I'll look for ideas.",
      handoff: { action: 'search_weekend_ideas' },
    }),
  ],
};
