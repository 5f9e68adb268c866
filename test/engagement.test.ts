import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { type ProactivePair, startProactivePair } from './helpers/proactive-pair.js';

/**
 * Engagement (issue 17, item 5), end to end: read at the time asked from the pair's outcomes and
 * messages, on the user, and as a policy and trigger condition in the decision trace.
 */
describe.each(BACKENDS)('engagement, on %s', (backend) => {
  let p: ProactivePair;
  const engagementOf = async () =>
    (await p.ok({ method: 'GET', url: '/v1/users/maya' })).characters.find(
      (c: { characterId: string }) => c.characterId === 'aria',
    ).engagement;

  beforeEach(async () => {
    p = await startProactivePair(backend);
  });
  afterEach(async () => {
    await p.close();
  });

  it('rises with quick warm replies, is gated on, and fades after a month of silence', async () => {
    expect(await engagementOf()).toMatchObject({ state: 'passive' });
    // a trigger for engaged users only: nothing yet, and the trace says why
    await p.ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'deep',
        name: 'Deep',
        spec: { kind: 'event', event: 'deep' },
        cooldownMinutes: 0,
        minEngagement: 'engaged',
      },
    });
    const deep = async () => {
      await p.ok({
        method: 'POST',
        url: '/v1/events',
        payload: {
          id: `deep-${p.at()}`,
          kind: 'custom',
          name: 'deep',
          userId: 'maya',
          characterId: 'aria',
          at: p.at(),
        },
      });
      return (await p.t.server.engine.sweep()).suggestions;
    };
    expect(await deep()).toBe(0);
    const held = (await p.latestDecision()).trace.find((c: { check: string }) => c.check === 'engagement');
    expect(held).toMatchObject({ passed: false, note: 'not_engaged_enough', triggerId: 'deep' });
    expect(held.detail).toMatch(/engagement passive .*asks for at least engaged/);

    for (let day = 0; day < 7; day++) {
      expect(await p.ping()).toBe(1);
      expect(await p.deliver()).toBe(1);
      p.t.clock.advance({ minutes: 2 });
      await p.write('aw thanks, that is so sweet of you, tell me more!');
      p.t.clock.advance({ hours: 23 });
    }
    const engaged = await engagementOf();
    expect(engaged.state).toBe('engaged');
    expect(engaged.score).toBeGreaterThanOrEqual(55);
    expect(await deep()).toBe(1);

    p.t.clock.advance({ days: 30 });
    const faded = await engagementOf();
    expect(['passive', 'curious']).toContain(faded.state);
    expect(faded.score).toBeLessThan(engaged.score);
    expect(await deep()).toBe(0);
  });

  it('counts two messages at one instant as one conversation started', async () => {
    const once = await engagementOf();
    // Maya's first message was 31 minutes ago; another at the same instant starts nothing new
    await p.write('and another thing', { at: p.at(-31 * 60_000) });
    expect(await engagementOf()).toEqual(once);
    // a message hours later does
    p.t.clock.advance({ hours: 4 });
    await p.write('hello again');
    expect((await engagementOf()).score).toBeGreaterThan(once.score);
  });

  it('holds every trigger under a policy minEngagement, and a stop makes the pair passive at once', async () => {
    await p.setPolicy({ backoffAfterUnanswered: 100, minEngagement: 'curious' });
    expect(await p.ping()).toBe(0);
    expect(await p.latestDecision()).toMatchObject({ action: 'skip', reason: 'engagement' });
    // a policy without it: the user warms up over three days of quick replies
    await p.setPolicy({ backoffAfterUnanswered: 100 });
    for (let day = 0; day < 3; day++) {
      expect(await p.ping()).toBeGreaterThanOrEqual(1);
      await p.deliver();
      p.t.clock.advance({ minutes: 1 });
      await p.write('yes!! love this, how was your day?');
      p.t.clock.advance({ hours: 23 });
    }
    expect((await engagementOf()).state).not.toBe('passive');
    await p.write('stop messaging me');
    expect(await engagementOf()).toMatchObject({ state: 'passive' });
  });
});
