import type { FunnelAudience, FunnelStep, FunnelTemplate } from './funnel.js';

/** A step with nothing set but its id and text; tests and examples override what they need. */
export function step(stepId: string, overrides: Partial<FunnelStep> = {}): FunnelStep {
  return {
    stepId,
    text: `text of ${stepId}`,
    compose: 'template',
    choices: [],
    intents: { advance: [], decline: [], model: false },
    otherReply: 'unrelated',
    next: null,
    timeoutMinutes: null,
    handoff: null,
    ...overrides,
  };
}

/** Anyone engaged, once a day at most. */
export const ANYONE: FunnelAudience = {
  keywords: [],
  goals: [],
  minEngagement: 'engaged',
  cooldownHours: 24,
};

/**
 * Plan the weekend, the companion example of the issue: a hook with yes / not now buttons, a
 * free-text question, then a handoff with a payload for the bot.
 */
export const WEEKEND: FunnelTemplate = {
  funnelId: 'plan-weekend',
  name: 'Plan the weekend',
  start: 'hook',
  audience: { ...ANYONE, keywords: ['hiking', 'concerts', 'going out', 'weekend'], cooldownHours: 24 * 6 },
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

/**
 * A standup check-in, the team assistant's example: yesterday, today, then blockers, each taking
 * any reply, with a way out at the hook; the blockers go to the bot with the user's last answer.
 */
export const STANDUP: FunnelTemplate = {
  funnelId: 'standup',
  name: 'Standup check-in',
  start: 'hook',
  audience: { ...ANYONE, minEngagement: 'curious', cooldownHours: 20 },
  steps: [
    step('hook', {
      text: 'Morning! Ready for a quick standup?',
      choices: [
        { choiceId: 'go', label: 'Go', action: 'advance' },
        { choiceId: 'skip', label: 'Skip today', action: 'decline' },
      ],
      intents: {
        advance: ['ready', 'bereit', 'listo', 'prêt', 'pronto'],
        decline: ['skip', 'überspringen'],
        model: false,
      },
      next: 'yesterday',
      timeoutMinutes: 120,
    }),
    step('yesterday', {
      text: 'What did you get done yesterday?',
      otherReply: 'advance',
      next: 'today',
      timeoutMinutes: 120,
    }),
    step('today', { text: 'And today?', otherReply: 'advance', next: 'blockers', timeoutMinutes: 120 }),
    step('blockers', {
      text: 'Anything blocking you? Tell me and I will pass it on.',
      handoff: { action: 'file_blockers' },
      timeoutMinutes: 240,
    }),
  ],
};
