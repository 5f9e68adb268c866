import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer } from '../src/testing/fake-openai-server.js';
import { BACKENDS } from './helpers/backends.js';
import { until } from './helpers/cli.js';
import { type FunnelPair, startFunnelPair, WEEKEND_FUNNEL } from './helpers/funnel-pair.js';

/**
 * Funnels (issue 18) from outside, on both back ends: a trigger starts one, its hook goes out with
 * buttons through the real Telegram client to its fake server, and the bot forwards the user's
 * replies and button presses.
 */
describe.each(BACKENDS)('funnels, on %s', (backend) => {
  let p: FunnelPair;
  afterEach(async () => {
    await p.close();
  });

  it('gives a passive user no funnel, and an engaged one whose facts match its keywords that funnel, saying why', async () => {
    p = await startFunnelPair(backend, { engaged: false });
    const plain = await p.startRun();
    expect(plain.inlineKeyboard).toBeNull();
    const refused = await p.funnelCheck();
    expect(refused).toMatchObject({ passed: true, note: 'no_funnel_fits' });
    expect(refused.funnels).toEqual([
      { funnelId: 'plan-weekend', verdict: 'not_engaged', score: 1, matched: ['hiking'] },
    ]);
    expect(refused.detail).toMatch(
      /no funnel fits: the plain opener is sent: plan-weekend \(the pair is not engaged enough/,
    );
    await p.close();

    p = await startFunnelPair(backend, { engaged: true });
    const hook = await p.startRun();
    expect(hook.text).toBe('Want to plan something fun for the weekend?');
    expect(hook.inlineKeyboard!.map((row) => row.map((b) => b.text))).toEqual([
      ["Yes, let's plan"],
      ['Not now'],
    ]);
    const chosen = await p.funnelCheck();
    expect(chosen).toMatchObject({ passed: true, note: 'funnel_chosen', triggerId: 'ping' });
    expect(chosen.funnels).toEqual([
      { funnelId: 'plan-weekend', verdict: 'chosen', score: 1, matched: ['hiking'] },
    ]);
    expect(chosen.detail).toContain('a funnel starts instead of a single message');
  });

  it('advances on "yes please", abandons on "not now, maybe later", and leaves an unrelated question to the bot', async () => {
    p = await startFunnelPair(backend);
    await p.startRun();
    const yes = await p.reply('yes please');
    expect(yes).toMatchObject({ consumed: true, event: 'step_advanced', funnelId: 'plan-weekend' });
    expect(yes.next).toMatchObject({
      stepId: 'where',
      seq: 1,
      text: 'Which part of town are you in?',
      choices: [],
    });
    expect(await p.deliver()).toBe(1);
    expect(p.lastSent().text).toBe('Which part of town are you in?');

    // a new run for each of the other two
    await p.reply('north side');
    await p.reply('thanks!'); // past the handoff: the run is over
    await p.startRun();
    const later = await p.reply('not now, maybe later');
    expect(later).toMatchObject({ consumed: false, event: 'funnel_abandoned' });
    expect(later.reason).toMatch(/^declined:/);
    expect(later.next).toBeUndefined();

    await p.startRun();
    const weather = await p.reply("what's the weather tomorrow");
    expect(weather).toEqual({
      consumed: false,
      event: 'funnel_abandoned',
      reason: 'unrelated',
      runId: expect.any(String),
      funnelId: 'plan-weekend',
    });
    // nothing more from the funnel
    expect(await p.deliver()).toBe(0);
    expect(await p.reply('hello?')).toMatchObject({
      consumed: false,
      event: 'passed_through',
      reason: 'no_funnel',
    });
  });

  it('does not read "I know", "right now" or "north side" as a no, and a typed "yeah go ahead" advances as the button does', async () => {
    p = await startFunnelPair(backend);
    for (const text of ['I know', 'right now', 'north side']) {
      await p.startRun();
      expect(await p.reply('sure')).toMatchObject({ consumed: true, event: 'step_advanced' });
      const answered = await p.reply(text);
      expect(answered, text).toMatchObject({ consumed: true, event: 'step_advanced', reason: 'answered' });
      expect(answered.next.stepId).toBe('handoff');
      await p.reply('ok'); // hands off: the run ends
    }
    const byButton = await p.startRun();
    const pressed = await p.press(byButton.inlineKeyboard![0]![0]!.callback_data);
    await p.reply('x'); // free-text answer
    await p.reply('y'); // handoff
    // the press was Maya's message: the next ping waits for the conversation to end
    p.t.clock.advance({ minutes: 31 });
    await p.startRun();
    const typed = await p.reply('yeah go ahead');
    for (const a of [pressed, typed]) {
      expect(a).toMatchObject({ consumed: true, event: 'step_advanced' });
      expect(a.next).toMatchObject({ stepId: 'where', seq: 1, text: 'Which part of town are you in?' });
    }
    expect(pressed.reason).toBe('choice:yes');
    expect(typed.reason).toBe('typed:yeah');
  });

  it('gives the decline button abandoned, never completed, and no positive signal', async () => {
    p = await startFunnelPair(backend);
    const before = await engagementOf(p);
    const hook = await p.startRun();
    const declined = await p.press(hook.inlineKeyboard![1]![0]!.callback_data);
    expect(declined).toMatchObject({
      consumed: false,
      event: 'funnel_abandoned',
      reason: 'declined:choice:later',
    });
    const report = await funnelReport(p);
    expect(report.funnels).toEqual([
      expect.objectContaining({
        funnelId: 'plan-weekend',
        started: 1,
        completed: 0,
        abandoned: { declined: 1 },
      }),
    ]);
    // the press is the user's answer to the hook: a "not now", not a warm reply
    const suggestion = (await p.ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=1' }))
      .suggestions[0];
    expect(suggestion.outcome).toMatchObject({ status: 'replied', meaning: 'not_now' });
    expect((await engagementOf(p)).score).toBeLessThanOrEqual(before.score);
  });

  it('passes the message after the handoff step through with the payload, and swallows none', async () => {
    p = await startFunnelPair(backend);
    await p.startRun();
    await p.reply('yes');
    const answered = await p.reply('Kreuzberg');
    expect(answered).toMatchObject({
      consumed: true,
      next: { stepId: 'handoff', text: "Great, I'll look for ideas." },
    });
    const handoff = await p.reply('and something outdoors please');
    expect(handoff).toEqual({
      consumed: false,
      event: 'handoff',
      reason: 'handoff_handoff',
      runId: expect.any(String),
      funnelId: 'plan-weekend',
      handoff: { stepId: 'handoff', payload: { action: 'search_weekend_ideas' } },
    });
    expect(await p.reply('thanks')).toMatchObject({ consumed: false, event: 'passed_through' });
    const report = await funnelReport(p);
    expect(report.funnels[0]).toMatchObject({ started: 1, completed: 1, handedOff: 1, abandoned: {} });
    expect(
      report.funnels[0].steps.map((s: { stepId: string; reached: number }) => [s.stepId, s.reached]),
    ).toEqual([
      ['handoff', 1],
      ['hook', 1],
      ['where', 1],
    ]);
  });

  it('ends the run when the next step has nowhere to go, as when its delivery fails', async () => {
    p = await startFunnelPair(backend);
    await p.startRun();
    await p.ok({ method: 'PATCH', url: '/v1/users/maya', payload: { addresses: { telegram: null } } });
    expect(await p.reply('yes')).toMatchObject({ consumed: true, next: { stepId: 'where' } });
    const [step] = (await p.ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=1' })).suggestions;
    expect(step).toMatchObject({ status: 'failed', statusReason: expect.stringContaining('telegram') });
    expect(await p.deliver()).toBe(0);
    expect(await p.reply('Mitte')).toMatchObject({
      consumed: false,
      event: 'passed_through',
      reason: 'no_funnel',
    });
    const [funnel] = (await funnelReport(p)).funnels;
    expect(funnel.abandoned).toEqual({ send_failed: 1 });
  });

  it('answers an old button outdated, a button after the end already_ended, and moves once when pressed twice', async () => {
    p = await startFunnelPair(backend);
    const hook = await p.startRun();
    const yes = hook.inlineKeyboard![0]![0]!.callback_data;
    const [first, second] = await Promise.all([p.press(yes), p.press(yes)]);
    const events = [first.event, second.event].sort();
    expect(events).toEqual(['outdated', 'step_advanced']);
    expect(await p.deliver()).toBe(1); // one "which part of town", not two
    expect(await p.press(hook.inlineKeyboard![1]![0]!.callback_data)).toMatchObject({ event: 'outdated' });
    await p.reply('Mitte');
    await p.reply('go'); // handoff ends the run
    expect(await p.press(yes)).toMatchObject({ event: 'already_ended', reason: 'run_completed' });
    expect(await p.press('my-own-button')).toMatchObject({ consumed: false, event: 'passed_through' });
  });

  it('answers a message forwarded twice once, and reads message_in events sent with funnel: true', async () => {
    p = await startFunnelPair(backend);
    await p.startRun();
    const once = await p.reply('yes please', 'tg-100');
    expect(await p.reply('yes please', 'tg-100')).toEqual(once);
    const ingest = await p.ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'tg-101',
        kind: 'message_in',
        userId: 'maya',
        characterId: 'aria',
        at: p.at(),
        text: 'Neukölln',
        funnel: true,
      },
    });
    expect(ingest.funnels).toEqual([
      expect.objectContaining({
        id: 'tg-101',
        userId: 'maya',
        consumed: true,
        event: 'step_advanced',
        reason: 'answered',
      }),
    ]);
  });

  it('holds the hook to quiet hours, and sends later steps at once inside them', async () => {
    p = await startFunnelPair(backend);
    await p.setPolicy({ quietHours: { start: '22:00', end: '08:00' } });
    p.t.clock.set('2026-11-23T22:30:00Z'); // 23:30 in Berlin
    expect(await p.ping()).toBe(0);
    expect(await p.latestDecision()).toMatchObject({ action: 'defer', until: '2026-11-24T07:00:00.000Z' });
    p.t.clock.set('2026-11-24T07:00:00Z');
    await p.t.server.engine.sweep();
    expect(await p.deliver()).toBe(1);
    expect(p.lastSent().inlineKeyboard).not.toBeNull();
    for (const text of ['yes', 'Mitte', 'ok']) await p.reply(text); // through to the handoff

    p.t.clock.set('2026-11-24T20:50:00Z'); // 21:50
    await p.startRun();
    p.t.clock.set('2026-11-24T21:05:00Z'); // 22:05: quiet hours
    expect(await p.reply('yes')).toMatchObject({ consumed: true, next: { stepId: 'where' } });
    expect(await p.deliver()).toBe(1);
    expect(p.lastSent().text).toBe('Which part of town are you in?');
  });

  it('counts the hook against the caps and the later steps not at all', async () => {
    p = await startFunnelPair(backend);
    await p.setPolicy({ userCaps: { perDay: 1, perWeek: 10 }, characterCaps: { perDay: 1, perWeek: 10 } });
    await p.startRun();
    await p.reply('yes');
    await p.reply('Mitte');
    expect(await p.deliver()).toBe(2); // two steps, past the day's cap of one
    await p.reply('ok'); // the handoff: the run is over
    await p.ok({ method: 'PATCH', url: '/v1/triggers/ping', payload: { funnel: null } });
    p.t.clock.advance({ minutes: 5 });
    expect(await p.ping()).toBe(0);
    const caps = (await p.latestDecision()).trace.find((c: { check: string }) => c.check === 'user_caps');
    expect(caps.passed).toBe(false);
    expect(caps.detail).toMatch(/^1 today \(cap 1\)/);
  });

  it('announces each transition on the stream, with its reason', async () => {
    p = await startFunnelPair(backend);
    const seen: { type: string; reason: string; stepId: string; seq: number; status: string }[] = [];
    const off = p.t.server.engine.forTenant('default').stream.subscribe((event) => {
      if (event.type === 'funnel.updated') seen.push(event.data);
    });
    try {
      await p.startRun();
      for (const text of ['yes', 'Mitte', 'ok']) await p.reply(text);
      await until(
        () => seen.length >= 6,
        () => `six funnel.updated events, got ${JSON.stringify(seen)}`,
      );
      expect(seen.map((e) => [e.type, e.stepId, e.seq, e.status])).toEqual([
        ['funnel_started', 'hook', 0, 'active'],
        ['step_advanced', 'hook', 0, 'active'],
        ['step_sent', 'where', 1, 'active'],
        ['step_advanced', 'where', 1, 'active'],
        ['step_sent', 'handoff', 2, 'active'],
        ['handoff', 'handoff', 2, 'completed'],
      ]);
      expect(seen.map((e) => e.reason)).toEqual([
        'hook_sent',
        'typed:yes',
        'typed:yes',
        'answered',
        'answered',
        'handoff_handoff',
      ]);
    } finally {
      off();
    }
  });

  it('has a reply the words leave undecided read by the language model where the step asks, and the words decide when it fails', async () => {
    p = await startFunnelPair(backend);
    const fake = await startFakeOpenAiServer();
    try {
      await useModel(p, fake.url, 'hook', { intents: { model: true } });
      // hooks are written by the template: the step does not ask the model to word them
      await p.startRun();
      const before = fake.requests.length;
      // decided by the words: the model is not asked
      const refused = await p.reply('not now');
      expect(refused).toMatchObject({ event: 'funnel_abandoned' });
      expect(fake.requests).toHaveLength(before);

      await p.startRun();
      fake.script({ object: { reason: 'They are keen to plan.', intent: 'advance', choiceId: 'yes' } });
      const keen = await p.reply('ooh that sounds lovely, count me in');
      expect(keen).toMatchObject({
        consumed: true,
        event: 'step_advanced',
        reason: 'typed:model:choice:yes',
      });
      expect(fake.requests).toHaveLength(before + 1);
      expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('ooh that sounds lovely, count me in');
      await p.reply('Mitte');
      await p.reply('ok');

      await p.startRun();
      fake.script({ status: 500, body: { error: { message: 'down' } } });
      expect(await p.reply('ooh that sounds lovely, count me in')).toMatchObject({
        consumed: false,
        event: 'funnel_abandoned',
        reason: 'unrelated',
      });
    } finally {
      await fake.close();
    }
  });

  it("has a later step the model words written by the drafter, sent with the step's place and no cap", async () => {
    p = await startFunnelPair(backend);
    const fake = await startFakeOpenAiServer();
    try {
      await useModel(p, fake.url, 'where', { compose: 'model' });
      await p.startRun(); // the hook is the template's: its step does not ask the model
      expect(fake.requests).toHaveLength(0);
      const yes = await p.reply('yes');
      expect(yes).toMatchObject({ consumed: true, next: { stepId: 'where', seq: 1, text: null } });
      fake.script({
        object: { message: 'Ooh, lovely! Which part of town are you in these days?', topicId: null },
      });
      await p.t.server.engine.sweep(); // the drafter writes it
      expect(await p.deliver()).toBe(1);
      expect(p.lastSent().text).toBe('Ooh, lovely! Which part of town are you in these days?');
      expect(JSON.stringify(fake.requests[0]!.body)).toContain('Script: Which part of town are you in?');
      // it answers the user: no outcome of its own (the hook's is the only one)
      const outcomes = (
        await p.ok({ method: 'GET', url: '/v1/suggestions?userId=maya&limit=5' })
      ).suggestions.filter((sg: { outcome: unknown }) => sg.outcome !== null);
      expect(outcomes).toHaveLength(1);
      expect(await p.reply('Mitte')).toMatchObject({ consumed: true, next: { stepId: 'handoff' } });
    } finally {
      await fake.close();
    }
  });

  it('validates templates, naming the step and field, and keeps versions', async () => {
    p = await startFunnelPair(backend);
    const bad = await p.t.request({
      method: 'POST',
      url: '/v1/funnels',
      payload: {
        funnelId: 'broken',
        name: 'Broken',
        start: 'a',
        steps: [
          { stepId: 'a', text: 'A?', next: 'nowhere' },
          { stepId: 'b', text: 'B?' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toContainEqual(
      expect.objectContaining({ path: 'steps[0].next', rule: 'names no step: "nowhere"' }),
    );
    const cycle = await p.t.request({
      method: 'POST',
      url: '/v1/funnels',
      payload: {
        name: 'Loop',
        start: 'a',
        steps: [
          { stepId: 'a', text: 'A?', otherReply: 'advance', next: 'b' },
          { stepId: 'b', text: 'B?', otherReply: 'advance', next: 'a' },
        ],
      },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.issues[0].rule).toMatch(/is in a cycle with no timeout: a → b → a/);
    const unreachable = await p.t.request({
      method: 'POST',
      url: '/v1/funnels',
      payload: {
        name: 'U',
        start: 'a',
        steps: [
          { stepId: 'a', text: 'A' },
          { stepId: 'b', text: 'B' },
        ],
      },
    });
    expect(unreachable.body.error.issues).toContainEqual(
      expect.objectContaining({ path: 'steps[1]', rule: 'cannot be reached from "a"' }),
    );
    // nothing was written by the refusals
    expect(
      (await p.ok({ method: 'GET', url: '/v1/funnels' })).funnels.map(
        (f: { funnelId: string }) => f.funnelId,
      ),
    ).toEqual(['plan-weekend']);
    const { funnelId: _, ...body } = WEEKEND_FUNNEL;
    const v2 = await p.ok({
      method: 'PUT',
      url: '/v1/funnels/plan-weekend',
      payload: { ...body, name: 'Weekend plans' },
    });
    expect(v2).toMatchObject({ funnelId: 'plan-weekend', version: 2, name: 'Weekend plans' });
    expect((await p.t.request({ method: 'POST', url: '/v1/funnels', payload: WEEKEND_FUNNEL })).status).toBe(
      409,
    );
    expect((await p.t.request({ method: 'DELETE', url: '/v1/funnels/plan-weekend' })).status).toBe(204);
    expect((await p.t.request({ method: 'GET', url: '/v1/funnels/plan-weekend' })).status).toBe(404);
    const named = await p.t.request({
      method: 'PATCH',
      url: '/v1/triggers/ping',
      payload: { funnel: { select: 'named', funnelId: 'plan-weekend' } },
    });
    expect(named.status).toBe(400);
    expect(named.body.error.issues).toEqual([expect.objectContaining({ path: 'funnel.funnelId' })]);
    const backwards = await p.t.request({
      method: 'GET',
      url: '/v1/reports/funnels?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.issues).toEqual([
      expect.objectContaining({ path: 'query.to', rule: 'must be after from' }),
    ]);
  });
});

/**
 * The tenant's language model at `url` (a fake OpenAI-compatible server), and the weekend funnel,
 * for any engagement, with `change` made to its step `stepId`.
 */
async function useModel(p: FunnelPair, url: string, stepId: string, change: object) {
  await p.ok({
    method: 'PUT',
    url: '/v1/llm-provider',
    payload: { kind: 'openai-compatible', baseUrl: url, model: 'llama3.1:8b', apiKey: 'sk-fake' },
  });
  const { funnelId: _, ...body } = WEEKEND_FUNNEL;
  const steps = body.steps.map((s) => (s.stepId === stepId ? { ...s, ...change } : s));
  const audience = { ...body.audience, minEngagement: 'passive' };
  await p.ok({ method: 'PUT', url: '/v1/funnels/plan-weekend', payload: { ...body, audience, steps } });
}

async function engagementOf(p: FunnelPair) {
  return (await p.ok({ method: 'GET', url: '/v1/users/maya' })).characters.find(
    (c: { characterId: string }) => c.characterId === 'aria',
  ).engagement;
}

async function funnelReport(p: FunnelPair) {
  const from = new Date(p.t.clock.now().getTime() - 30 * 86_400_000).toISOString();
  const to = new Date(p.t.clock.now().getTime() + 60_000).toISOString();
  return p.ok({
    method: 'GET',
    url: `/v1/reports/funnels?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  });
}
