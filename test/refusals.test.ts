import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { type ProactivePair, startProactivePair } from './helpers/proactive-pair.js';

const DAY = 86_400_000;

/**
 * Acting on what replies mean (issue 17, item 4), end to end from outside: a stop opts out and is
 * signalled, audited and reversible; "not now" snoozes; ignored messages back off; the retention
 * ladder; each visible in the stored decision trace.
 */
describe.each(BACKENDS)('acting on what users say, on %s', (backend) => {
  let p: ProactivePair;
  const later = (minutes = 31) => p.t.clock.advance({ minutes });

  beforeEach(async () => {
    p = await startProactivePair(backend);
  });
  afterEach(async () => {
    await p.close();
  });

  it('opts the user out of a character at "please stop messaging me", signals it once, audits it, and an opt-in reverses it', async () => {
    const signalled: unknown[] = [];
    const off = p.t.server.engine.forTenant('default').stream.subscribe((event) => {
      if (event.type === 'user.opted_out') signalled.push(event.data);
    });
    expect(await p.ping()).toBe(1);
    expect(await p.deliver()).toBe(1);
    later(10);
    // a second message is queued before the reply arrives: it must not leave either
    expect(await p.ping()).toBe(1);
    const stopAt = p.at();
    const answer = await p.write('please stop messaging me', { id: 'stop-1' });
    const signal = {
      kind: 'opted_out',
      userId: 'maya',
      characterId: 'aria',
      scope: 'character',
      eventId: 'stop-1',
      at: stopAt,
      cue: expect.stringMatching(/^stop:en:/),
    };
    expect(answer.signals).toEqual([signal]);
    const { kind: _, ...streamed } = signal;
    expect(signalled).toEqual([{ tenantId: 'default', ...streamed }]);
    off();
    // the same message again, and another stop while opted out: nothing more to confirm
    expect((await p.write('please stop messaging me', { id: 'stop-1' })).signals).toEqual([]);
    expect((await p.write('STOP', { id: 'stop-2' })).signals).toEqual([]);

    const user = await p.ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user.consent).toBe('unknown');
    expect(user.characters[0]).toMatchObject({
      consent: 'opted_out',
      consentEventId: 'stop-1',
      consentUpdatedAt: stopAt,
    });
    const audit = await p.ok({ method: 'GET', url: '/v1/audit?limit=5' });
    expect(audit.entries.find((e: { action: string }) => e.action === 'consent.opted_out')).toMatchObject({
      subject: 'user:maya/character:aria',
      detail: { eventId: 'stop-1', scope: 'character' },
    });

    // the queued message is stopped at the door, and nothing new is decided, from any trigger:
    // the ping, the built-in idle check-in a day later, a schedule
    expect(await p.deliver()).toBe(0);
    await p.ok({ method: 'POST', url: '/v1/triggers/idle-check-in/enable' });
    await p.ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'hourly',
        name: 'Hourly',
        spec: { kind: 'schedule', cron: '0 * * * *' },
        cooldownMinutes: 0,
      },
    });
    p.t.clock.advance({ days: 2 });
    expect((await p.t.server.engine.sweep()).suggestions).toBe(0);
    const held = (await p.ok({ method: 'GET', url: '/v1/decisions?userId=maya&limit=20' })).decisions;
    expect(
      held.some(
        (d: { reason: string; occasion: { triggerId: string } | null }) =>
          d.reason === 'consent' && ['hourly', 'idle-check-in'].includes(d.occasion?.triggerId ?? ''),
      ),
    ).toBe(true);
    expect(await p.ping()).toBe(0);
    expect(p.telegram.delivered).toHaveLength(1);
    const decision = await p.latestDecision();
    expect(decision).toMatchObject({ action: 'skip', reason: 'consent' });
    const consent = decision.trace.find((c: { check: string }) => c.check === 'consent');
    expect(consent).toMatchObject({ passed: false, note: 'character_opted_out', eventId: 'stop-1' });
    expect(consent.detail).toMatch(/asked this character to stop/);

    // an explicit opt-in through the API reverses it, audited
    await p.ok({ method: 'PATCH', url: '/v1/users/maya/characters/aria', payload: { consent: 'opted_in' } });
    later(60);
    // (the pings held while opted out act too, within their expiry)
    expect(await p.ping()).toBeGreaterThanOrEqual(1);
    // a stop written before the opt-in and arriving late changes nothing
    const late = await p.write('stop texting me', {
      id: 'late-stop',
      at: new Date(Date.parse(stopAt) + 60_000).toISOString(),
    });
    expect(late.signals).toEqual([]);
    const after = await p.ok({ method: 'GET', url: '/v1/users/maya' });
    expect(after.characters[0]).toMatchObject({ consent: 'opted_in', consentEventId: null });
  });

  it('opts the user out of every character at "stop messaging me, all of you"', async () => {
    await p.ok({ method: 'PUT', url: '/v1/characters/bob', payload: { name: 'Bob' } });
    await p.write('hey bob', { characterId: 'bob' });
    later();
    const answer = await p.write('stop messaging me, all of you', { id: 'stop-all' });
    expect(answer.signals).toEqual([
      expect.objectContaining({ kind: 'opted_out', characterId: null, scope: 'all', eventId: 'stop-all' }),
    ]);
    const user = await p.ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user).toMatchObject({ consent: 'opted_out', consentEventId: 'stop-all' });
    later(60);
    expect(await p.ping()).toBe(0);
    expect(await p.ping({ userId: 'maya', characterId: 'bob' })).toBe(0);
    const consent = (await p.latestDecision()).trace.find((c: { check: string }) => c.check === 'consent');
    expect(consent).toMatchObject({ note: 'opted_out', eventId: 'stop-all' });
  });

  it('does not opt out on "don\'t stop" or "I know, not now is fine"', async () => {
    for (const text of ["don't stop, I love these", 'I know', 'north side, see you there']) {
      expect((await p.write(text)).signals).toEqual([]);
    }
    const user = await p.ok({ method: 'GET', url: '/v1/users/maya' });
    expect(user.characters[0].consent).toBe('unknown');
  });

  it('snoozes the pair for three days after a reply meaning "not now", then messages again', async () => {
    expect(await p.ping()).toBe(1);
    expect(await p.deliver()).toBe(1);
    later(5);
    const repliedAt = p.at();
    await p.write('busy right now, later', { id: 'busy' });
    const user = await p.ok({ method: 'GET', url: '/v1/users/maya' });
    const until = new Date(Date.parse(repliedAt) + 3 * DAY).toISOString();
    expect(user.characters[0]).toMatchObject({ snoozedUntil: until, snoozedBy: 'busy' });
    later(60);
    await p.ping();
    const decision = await p.latestDecision();
    expect(decision.action).not.toBe('send');
    expect(decision.trace.find((c: { check: string }) => c.check === 'snooze')).toMatchObject({
      passed: false,
      until,
    });
    p.t.clock.advance({ days: 3 });
    expect(await p.ping()).toBe(1);
  });

  it('gets no third message to a user who ignored two, until they write', async () => {
    await p.setPolicy({ backoffAfterUnanswered: 2 });
    for (let i = 0; i < 2; i++) {
      expect(await p.ping()).toBe(1);
      expect(await p.deliver()).toBe(1);
      p.t.clock.advance({ hours: 7 }); // past the 6-hour reply window: ignored
    }
    expect(await p.ping()).toBe(0);
    const decision = await p.latestDecision();
    expect(decision).toMatchObject({ action: 'skip', reason: 'backoff' });
    expect(decision.trace.find((c: { check: string }) => c.check === 'backoff')).toMatchObject({
      value: 2,
      limit: 2,
    });
    // a restart reads the same from the outcomes
    p.t.clock.advance({ hours: 1 });
    expect(await p.ping()).toBe(0);
    await p.write('sorry, was away! how are you?');
    later();
    expect(await p.ping()).toBeGreaterThanOrEqual(1);
  });

  it('walks the retention ladder: the next after T+3 h, then T+6 h, then nothing until the user writes', async () => {
    await p.setPolicy({ backoffAfterUnanswered: 100, retentionLadderMinutes: [180, 360] });
    expect(await p.ping()).toBe(1);
    await p.deliver();
    p.t.clock.advance({ hours: 1 });
    expect(await p.ping()).toBe(0);
    const held = await p.latestDecision();
    expect(
      held.trace.find((c: { check: string; passed: boolean }) => c.check === 'ladder' && !c.passed),
    ).toMatchObject({
      value: 1,
      minutes: 180,
    });
    p.t.clock.advance({ hours: 2 });
    expect(await p.ping()).toBe(1);
    await p.deliver();
    p.t.clock.advance({ hours: 3 });
    expect(await p.ping()).toBe(1);
    await p.deliver();
    p.t.clock.advance({ hours: 12 });
    expect(await p.ping()).toBe(0);
    expect(await p.latestDecision()).toMatchObject({ action: 'skip', reason: 'ladder' });
    await p.write('hey, sorry, busy week');
    later();
    expect(await p.ping()).toBe(1);
  });
});
