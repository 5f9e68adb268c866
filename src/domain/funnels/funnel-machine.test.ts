import { describe, expect, it } from 'vitest';
import type { FunnelRun } from './funnel.js';
import { STANDUP, WEEKEND } from './funnel-fixtures.js';
import { startFunnel, transitionFunnel } from './funnel-machine.js';

const T0 = new Date('2026-12-07T18:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const atHook = (): FunnelRun => startFunnel(WEEKEND, T0).run;
const reply = (run: FunnelRun, text: string) =>
  transitionFunnel(WEEKEND, run, { kind: 'reply', text }, later(1));

describe('transitionFunnel', () => {
  it('starts at the hook, which is sent', () => {
    expect(startFunnel(WEEKEND, T0)).toMatchObject({
      run: { stepId: 'hook', status: 'active', stepSentAt: T0 },
      send: 'hook',
      event: { type: 'step_advanced' },
    });
  });

  it('advances on "yes please" and on a typed "yeah go ahead" exactly as the yes button does', () => {
    const button = transitionFunnel(
      WEEKEND,
      atHook(),
      { kind: 'button', stepId: 'hook', choiceId: 'yes' },
      later(1),
    );
    for (const text of ['yes please', 'yeah go ahead', "Yes, let's plan", 'sí, claro', 'ja gerne']) {
      const typed = reply(atHook(), text);
      expect(typed.run, text).toEqual(button.run);
      expect(typed.send, text).toBe('where');
      expect(typed.consumed, text).toBe(true);
    }
  });

  it('abandons on "not now, maybe later" and on the decline button, never completes, and leaves the message to the bot', () => {
    for (const t of [
      reply(atHook(), 'not now, maybe later'),
      reply(atHook(), 'no'),
      transitionFunnel(WEEKEND, atHook(), { kind: 'button', stepId: 'hook', choiceId: 'later' }, later(1)),
    ]) {
      expect(t.run.status).toBe('abandoned');
      expect(t.event.type).toBe('funnel_abandoned');
      expect(t.event.reason).toMatch(/^declined:/);
      expect(t.consumed).toBe(false);
      expect(t.send).toBeNull();
    }
  });

  it('abandons on an unrelated message at a decision step, and does not consume it', () => {
    expect(reply(atHook(), "what's the weather tomorrow")).toMatchObject({
      run: { status: 'abandoned' },
      consumed: false,
      event: { type: 'funnel_abandoned', reason: 'unrelated' },
    });
  });

  it('does not read "I know", "right now" or "north side" as a refusal', () => {
    const where = reply(atHook(), 'yes').run;
    for (const text of ['I know', 'right now', 'north side', 'no worries, go on']) {
      const t = reply(where, text);
      expect(t.run.status, text).toBe('active');
      expect(t.event.reason, text).not.toMatch(/^declined/);
      expect(t.send, text).toBe('handoff');
    }
  });

  it('passes the message after the handoff step through with the payload, and completes', () => {
    const atHandoff = reply(reply(atHook(), 'yes').run, 'north side').run;
    expect(reply(atHandoff, 'anything fun near the river?')).toMatchObject({
      run: { status: 'completed' },
      consumed: false,
      handoff: { action: 'search_weekend_ideas' },
      event: { type: 'handoff' },
    });
  });

  it('answers a button of an older step "outdated" and one after the end "already_ended", changing nothing', () => {
    const where = reply(atHook(), 'yes').run;
    const old = transitionFunnel(
      WEEKEND,
      where,
      { kind: 'button', stepId: 'hook', choiceId: 'yes' },
      later(2),
    );
    expect(old).toMatchObject({ run: where, event: { type: 'outdated' } });
    const ended = reply(atHook(), 'no').run;
    const after = transitionFunnel(
      WEEKEND,
      ended,
      { kind: 'button', stepId: 'hook', choiceId: 'yes' },
      later(2),
    );
    expect(after).toMatchObject({ run: ended, event: { type: 'already_ended' } });
    expect(reply(ended, 'hello?')).toMatchObject({
      run: ended,
      consumed: false,
      event: { type: 'passed_through' },
    });
  });

  it("expires at the step's timeout, not before, and only for the step the run is at", () => {
    const run = atHook();
    const timeout = { kind: 'timeout', stepId: 'hook' } as const;
    expect(transitionFunnel(WEEKEND, run, timeout, later(239)).event.type).toBe('not_due');
    expect(transitionFunnel(WEEKEND, run, timeout, later(240))).toMatchObject({
      run: { status: 'expired' },
      event: { type: 'funnel_expired' },
    });
    const where = reply(run, 'yes').run;
    expect(transitionFunnel(WEEKEND, where, timeout, later(300)).event.type).toBe('outdated');
  });
});

describe('the standup example', () => {
  it('takes any answer at its free-text steps, a step word in another language at the hook, and skips on its decline word', () => {
    let t = startFunnel(STANDUP, T0);
    t = transitionFunnel(STANDUP, t.run, { kind: 'reply', text: 'bereit' }, later(1));
    expect(t).toMatchObject({ send: 'yesterday', consumed: true });
    t = transitionFunnel(STANDUP, t.run, { kind: 'reply', text: 'shipped the login page' }, later(2));
    t = transitionFunnel(STANDUP, t.run, { kind: 'reply', text: 'reviews, then the invoices' }, later(3));
    expect(t).toMatchObject({ send: 'blockers', run: { status: 'active' } });
    t = transitionFunnel(
      STANDUP,
      t.run,
      { kind: 'reply', text: 'waiting on the API keys from ops' },
      later(4),
    );
    expect(t).toMatchObject({
      run: { status: 'completed' },
      consumed: false,
      handoff: { action: 'file_blockers' },
    });
    const skipped = transitionFunnel(
      STANDUP,
      startFunnel(STANDUP, T0).run,
      { kind: 'reply', text: 'skip' },
      later(1),
    );
    expect(skipped).toMatchObject({ run: { status: 'abandoned' }, event: { reason: 'declined:skip' } });
  });
});
