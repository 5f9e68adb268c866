import { expect } from 'vitest';
import type { z } from 'zod';
import type { FunnelCreate } from '../../src/contract/funnel.schema.js';
import type { Backend } from './backends.js';
import { type ProactivePair, startProactivePair } from './proactive-pair.js';

type FunnelInput = z.input<typeof FunnelCreate>;

/**
 * The companion example of the funnels issue, as the API takes it: a hook with two buttons, a
 * free-text question, then a handoff. No cooldown, so one test can run it several times.
 */
export const WEEKEND_FUNNEL = {
  funnelId: 'plan-weekend',
  name: 'Plan the weekend',
  start: 'hook',
  audience: { keywords: ['hiking', 'concerts'], minEngagement: 'engaged', cooldownHours: 0 },
  steps: [
    {
      stepId: 'hook',
      text: 'Want to plan something fun for the weekend?',
      choices: [
        { choiceId: 'yes', label: "Yes, let's plan", action: 'advance' },
        { choiceId: 'later', label: 'Not now', action: 'decline' },
      ],
      next: 'where',
      timeoutMinutes: 240,
    },
    {
      stepId: 'where',
      text: 'Which part of town are you in?',
      otherReply: 'advance',
      next: 'handoff',
      timeoutMinutes: 240,
    },
    { stepId: 'handoff', text: "Great, I'll look for ideas.", handoff: { action: 'search_weekend_ideas' } },
  ],
} satisfies FunnelInput;

/**
 * A proactive pair (Maya and Aria on Telegram, proactive-pair.ts) in which Maya likes hiking and
 * the ping trigger starts the best eligible funnel; the weekend funnel exists, for any engagement.
 * With `engaged`, the funnel asks for an engaged pair and Maya is one (seven days of quick warm
 * replies to pings); `engaged: false`, it asks for one and she is passive.
 */
export async function startFunnelPair(backend: Backend, options: { engaged?: boolean } = {}) {
  const p = await startProactivePair(backend);
  if (options.engaged)
    for (let day = 0; day < 7; day++) {
      expect(await p.ping()).toBe(1);
      expect(await p.deliver()).toBe(1);
      p.t.clock.advance({ minutes: 2 });
      await p.write('aw thanks, that is so sweet of you, tell me more!');
      p.t.clock.advance({ hours: 23 });
    }
  await p.ok({ method: 'POST', url: '/v1/users/maya/facts', payload: { text: 'Loves hiking in the hills' } });
  const minEngagement = options.engaged === undefined ? 'passive' : 'engaged';
  await p.ok({
    method: 'POST',
    url: '/v1/funnels',
    payload: { ...WEEKEND_FUNNEL, audience: { ...WEEKEND_FUNNEL.audience, minEngagement } },
  });
  await p.ok({ method: 'PATCH', url: '/v1/triggers/ping', payload: { funnel: { select: 'best' } } });
  p.t.clock.advance({ minutes: 31 });

  const reply = async (text: string, messageId?: string) =>
    p.ok({
      method: 'POST',
      url: '/v1/replies',
      payload: { userId: 'maya', characterId: 'aria', text, ...(messageId ? { messageId } : {}) },
    });
  const press = async (data: string) =>
    p.ok({ method: 'POST', url: '/v1/callbacks', payload: { userId: 'maya', characterId: 'aria', data } });
  /** The last message Telegram got. */
  const lastSent = () => p.telegram.delivered.at(-1)!;
  /** The steps still queued sent, then a ping, its sweep and delivery: the hook on Telegram. */
  const startRun = async () => {
    await p.deliver();
    expect(await p.ping()).toBe(1);
    expect(await p.deliver()).toBe(1);
    return lastSent();
  };
  const funnelCheck = async () =>
    (await p.latestDecision()).trace.find((c: { check: string }) => c.check === 'funnel');
  return { ...p, reply, press, lastSent, startRun, funnelCheck };
}

export type FunnelPair = Awaited<ReturnType<typeof startFunnelPair>>;
export type { ProactivePair };
