import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_STANDING, type PairFeedback, type PairOutcome, standingOf } from '../outcomes/standing.js';
import type { ProactiveAct } from '../policy/frequency-cap.js';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { isQuietMinute, localMinuteOfDay } from '../policy/quiet-hours.js';
import { HOURS_PER_WEEK, ZoneCache, ZoneOffsets } from '../shared/local-time.js';
import type { Trigger } from '../triggers/trigger.js';
import { activityView, type DecisionState, decide, scoreAt } from './decide.js';
import { describeCheck } from './describe.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const chicago = new ZoneOffsets('America/Chicago');
const on: Policy = { ...DEFAULT_POLICY, allowProactive: true };
const NO_CAPS = { perDay: null, perWeek: null };
const uncapped: Policy = { ...on, userCaps: NO_CAPS, characterCaps: NO_CAPS };

/** Active 19:00-22:00 local every day. */
const evenings = activityView(
  Float64Array.from({ length: HOURS_PER_WEEK }, (_, h) => (h % 24 >= 19 && h % 24 < 22 ? 10 : 1)),
);

const silence = (over: Partial<Trigger> = {}): Trigger => ({
  id: 'idle',
  name: 'idle check-in',
  spec: { kind: 'silence', afterHours: 24 },
  enabled: true,
  characterIds: null,
  approval: 'auto',
  priority: 0,
  cooldownMinutes: 0,
  caps: { perDay: null, perWeek: null },
  expiryMinutes: 24 * 60,
  atGoodTime: false,
  enabledAtMs: 0,
  minEngagement: null,
  holdout: { probability: 0, unit: 'user' },
  funnel: null,
  ...over,
});

/** Last wrote (and last contact) at `lastIso`, Chicago, consent unknown, no history. */
const state = (lastIso: string, over: Partial<DecisionState> = {}): DecisionState => ({
  characterId: 'luna',
  consent: 'unknown',
  consentBy: 'user',
  consentAtMs: null,
  consentEventId: null,
  snoozedUntilMs: null,
  snoozedBy: null,
  standing: NO_STANDING,
  engagement: null,
  zone: chicago,
  zoneSource: 'explicit',
  trust: 0.5,
  activity: null,
  userLastInboundAtMs: at(lastIso),
  pairLastInboundAtMs: at(lastIso),
  pairLastContactAtMs: at(lastIso),
  acts: [],
  occasions: [],
  used: new Set(),
  zones: new ZoneCache(),
  ...over,
});

// 2026-11-23 is a Monday; Chicago is UTC-6. 16:00Z is 10:00 local.
const LAST = '2026-11-22T16:00:00Z';
const NOON = at('2026-11-23T18:00:00Z');

describe('decide', () => {
  it('sends when a silence trigger is due and every check passes, with every check in the trace', () => {
    const d = decide(state(LAST), [silence()], on, NOON);
    expect(d.action).toBe('send');
    expect(d.action !== 'skip' && d.occasion).toMatchObject({
      triggerId: 'idle',
      atMs: at('2026-11-23T16:00:00Z'),
    });
    const names = d.trace.map((c) => c.check);
    for (const name of [
      'allow_proactive',
      'consent',
      'trust',
      'backoff',
      'quiet_hours',
      'user_caps',
      'trigger_caps',
    ])
      expect(names).toContain(name);
    expect(d.trace.every((c) => c.passed)).toBe(true);
  });

  it('queues for approval when the trigger is in suggest or manual mode', () => {
    expect(decide(state(LAST), [silence({ approval: 'suggest' })], on, NOON).action).toBe('queue');
    // a manual trigger never fires by itself; fired by a person, what it makes waits for approval
    expect(decide(state(LAST), [silence({ approval: 'manual' })], on, NOON)).toMatchObject({
      action: 'skip',
      reason: 'nothing_due',
    });
    const fired = { triggerId: 'idle', key: 'manual:1', atMs: NOON, expiresAtMs: NOON + HOUR };
    expect(
      decide(state(LAST, { occasions: [fired] }), [silence({ approval: 'manual' })], on, NOON).action,
    ).toBe('queue');
  });

  it('does nothing, without a reason to store, before the silence is long enough', () => {
    const d = decide(state(LAST), [silence({ spec: { kind: 'silence', afterHours: 48 } })], on, NOON);
    expect(d).toMatchObject({ action: 'skip', reason: 'nothing_due', occasion: null });
  });

  it.each([
    ['allow_proactive', {}, { allowProactive: false }],
    ['character_enabled', {}, { proactiveEnabled: false }],
    ['consent', { consent: 'opted_out' }, {}],
    ['consent', { consent: 'unknown' }, { requireOptIn: true }],
    ['user_wrote_first', { pairLastInboundAtMs: null, trust: 1 }, {}],
    ['trust', { trust: 0.2 }, { minTrust: 0.3 }],
    ['time_zone', { zoneSource: 'default' }, { unknownZone: 'hold' }],
  ] as const)('skips on %s and names the occasion it blocked', (reason, over, policy) => {
    const d = decide(state(LAST, over as Partial<DecisionState>), [silence()], { ...on, ...policy }, NOON);
    expect(d).toMatchObject({ action: 'skip', reason });
    expect(d.action === 'skip' && d.occasion?.triggerId).toBe('idle');
    expect(d.trace.find((c) => c.check === reason)?.passed).toBe(false);
  });

  it('lets an opted-in user through when the policy requires opt-in', () => {
    const d = decide(state(LAST, { consent: 'opted_in' }), [silence()], { ...on, requireOptIn: true }, NOON);
    expect(d.action).toBe('send');
  });

  it('uses the default zone, and says so, for a user whose zone is unknown', () => {
    const d = decide(state(LAST, { zoneSource: 'default' }), [silence()], on, NOON);
    expect(d.action).toBe('send');
    expect(describeCheck(d.trace.find((c) => c.check === 'time_zone')!)).toMatch(
      /default zone America\/Chicago/,
    );
  });

  it('backs off after two ignored proactive messages, until the user writes or reacts warmly', () => {
    const sent = [at('2026-11-18T18:00:00Z'), at('2026-11-20T18:00:00Z')];
    const outcomes: PairOutcome[] = sent.map((ms) => ({
      atMs: ms,
      windowEndsAtMs: ms + 6 * HOUR,
      repliedAtMs: null,
      meaning: null,
    }));
    const lastIn = at('2026-11-17T16:00:00Z');
    const standing = (fb: PairFeedback[], inbound = lastIn) =>
      standingOf(outcomes, fb, inbound, chicago, NOON);
    const quietUser = state('2026-11-17T16:00:00Z', {
      acts: sent.map((atMs) => ({ atMs, characterId: 'luna', triggerId: 'idle' })),
      pairLastContactAtMs: sent[1],
      standing: standing([]),
    });
    const d = decide(quietUser, [silence()], on, NOON);
    expect(d).toMatchObject({ action: 'skip', reason: 'backoff' });
    const backoff = d.trace.find((c) => c.check === 'backoff')!;
    expect(backoff).toMatchObject({ value: 2, limit: 2, atMs: lastIn });
    expect(describeCheck(backoff)).toMatch(/2 proactive messages ignored/);
    // one still in its reply window is not ignored yet
    const early = standingOf(outcomes, [], lastIn, chicago, sent[1]! + HOUR);
    expect(early).toMatchObject({ ignored: 1, pending: 1 });
    const wrote = at('2026-11-22T10:00:00Z');
    const wroteSince = {
      ...quietUser,
      pairLastInboundAtMs: wrote,
      pairLastContactAtMs: wrote,
      standing: standing([], wrote),
    };
    expect(decide(wroteSince, [silence()], on, NOON).action).toBe('send');
    // a thumbs-up on the second message resets the count as a reply would
    const liked = { ...quietUser, standing: standing([{ atMs: sent[1]! + HOUR, score: 1 }]) };
    expect(liked.standing).toMatchObject({ ignored: 0, resetBy: 'feedback' });
    expect(decide(liked, [silence()], on, NOON).trace.find((c) => c.check === 'backoff')).toMatchObject({
      passed: true,
      value: 0,
    });
  });

  it('stops for the character the user told to stop, naming the message, and for all after a stop to all', () => {
    const stopped = state(LAST, {
      consent: 'opted_out',
      consentBy: 'character',
      consentAtMs: at(LAST),
      consentEventId: 'm-9',
    });
    const d = decide(stopped, [silence()], on, NOON);
    expect(d).toMatchObject({ action: 'skip', reason: 'consent' });
    const check = d.trace.find((c) => c.check === 'consent')!;
    expect(check).toMatchObject({ note: 'character_opted_out', eventId: 'm-9', atMs: at(LAST) });
    expect(describeCheck(check)).toMatch(/asked this character to stop.*m-9/);
    const all = decide({ ...stopped, consentBy: 'user' }, [silence()], on, NOON);
    expect(describeCheck(all.trace.find((c) => c.check === 'consent')!)).toMatch(/every character/);
  });

  it('holds a snoozed pair until the snooze ends, then sends', () => {
    const until = NOON + 3 * DAY;
    const snoozed = state(LAST, { snoozedUntilMs: until, snoozedBy: 'm-4' });
    const trigger = silence({ expiryMinutes: 7 * 24 * 60 });
    const d = decide(snoozed, [trigger], on, NOON);
    expect(d).toMatchObject({ action: 'defer' });
    expect(d.action === 'defer' && d.untilMs).toBeGreaterThanOrEqual(until);
    const check = d.trace.find((c) => c.check === 'snooze')!;
    expect(check).toMatchObject({ passed: false, untilMs: until });
    expect(describeCheck(check)).toMatch(/not now/);
    expect(decide(snoozed, [trigger], on, until + HOUR).action).toBe('send');
  });

  it("lengthens the pair's gap after annoyed replies and negative reactions", () => {
    const last = NOON - 4 * HOUR;
    const outcome: PairOutcome = {
      atMs: last - DAY,
      windowEndsAtMs: last - DAY + 6 * HOUR,
      repliedAtMs: last - DAY + HOUR,
      meaning: 'annoyed',
    };
    const standing = standingOf([outcome], [{ atMs: last, score: -1 }], last - DAY + HOUR, chicago, NOON);
    expect(standing.annoyances).toBe(2);
    const annoyed = state(LAST, {
      acts: [{ atMs: last, characterId: 'luna', triggerId: 'other' }],
      standing,
    });
    const d = decide(
      annoyed,
      [silence({ expiryMinutes: 7 * 24 * 60 })],
      { ...uncapped, minGapMinutes: 180 },
      NOON,
    );
    // 180 min doubled twice: 12 h after the last message
    expect(d).toMatchObject({ action: 'defer', untilMs: last + 12 * HOUR });
    const check = d.trace.find((c) => c.check === 'pair_gap')!;
    expect(check).toMatchObject({ passed: false, minutes: 720, value: 2 });
    expect(describeCheck(check)).toMatch(/2 annoyed replies/);
    // forgotten after 30 days
    expect(standingOf([outcome], [], null, chicago, NOON + 31 * DAY).annoyances).toBe(0);
  });

  it('walks the retention ladder: T+3 h, T+6 h, then nothing until the user writes', () => {
    const ladder = {
      ...uncapped,
      retentionLadderMinutes: [180, 360],
      minGapMinutes: 0,
      backoffAfterUnanswered: 100,
    };
    const T = NOON - 2 * HOUR;
    const act = (ms: number) => ({ atMs: ms, characterId: 'luna', triggerId: 'x' });
    const free = silence({ expiryMinutes: 7 * 24 * 60 });
    const after1 = decide(state(LAST, { acts: [act(T)] }), [free], ladder, NOON);
    expect(after1).toMatchObject({ action: 'defer', untilMs: T + 3 * HOUR });
    expect(after1.trace.find((c) => c.check === 'ladder' && !c.passed)).toMatchObject({
      value: 1,
      minutes: 180,
    });
    const after2 = decide(state(LAST, { acts: [act(T), act(T + 3 * HOUR)] }), [free], ladder, T + 4 * HOUR);
    expect(after2).toMatchObject({ action: 'defer', untilMs: T + 6 * HOUR });
    const three = [act(T), act(T + 3 * HOUR), act(T + 6 * HOUR)];
    const after3 = decide(state(LAST, { acts: three }), [free], ladder, T + 30 * HOUR);
    expect(after3).toMatchObject({ action: 'skip', reason: 'ladder' });
    expect(describeCheck(after3.trace.find((c) => c.check === 'ladder')!)).toMatch(/until the user writes/);
    // the user wrote after the third: the ladder starts again
    const wrote = T + 7 * HOUR;
    const back = state(LAST, {
      acts: three,
      pairLastInboundAtMs: wrote,
      pairLastContactAtMs: wrote,
      standing: { ...NO_STANDING, sinceMs: wrote, resetBy: 'message' },
    });
    expect(decide(back, [free], ladder, T + 48 * HOUR).action).toBe('send');
  });

  it('counts an hour the user called a wrong time for less, and says so', () => {
    const hours = new Float64Array(168).fill(1 / 168);
    const outcome: PairOutcome = {
      atMs: NOON,
      windowEndsAtMs: NOON + 6 * HOUR,
      repliedAtMs: NOON + 60_000,
      meaning: 'wrong_time',
    };
    const standing = standingOf([outcome], [], NOON + 60_000, chicago, NOON + HOUR);
    expect(standing.wrongHours).toEqual([chicago.hourOfWeek(NOON)]);
    const view = activityView(hours, standing.wrongHours);
    expect(scoreAt(view, chicago, NOON)).toBe(0.5);
    expect(scoreAt(view, chicago, NOON + HOUR)).toBe(1);
    const d = decide(state(LAST, { standing, activity: view }), [silence()], on, NOON + HOUR);
    expect(describeCheck(d.trace.find((c) => c.check === 'wrong_time')!)).toMatch(/1 replies said/);
  });

  it('defers a trigger due at 3 am local to the end of quiet hours, not dropping or sending it', () => {
    // due at 09:00Z = 03:00 Chicago; quiet until 08:00 local = 14:00Z
    const d = decide(state('2026-11-22T09:00:00Z'), [silence()], on, at('2026-11-23T09:00:00Z'));
    expect(d).toMatchObject({ action: 'defer', untilMs: at('2026-11-23T14:00:00Z') });
    expect(d.trace.find((c) => c.check === 'quiet_hours')).toMatchObject({ passed: false });
  });

  it('still reaches a user silent for longer than the expiry, once for that silence', () => {
    // silent since a week ago; the trigger was only just enabled
    const d = decide(state('2026-11-16T16:00:00Z'), [silence()], on, NOON);
    expect(d).toMatchObject({ action: 'send', occasion: { key: `silence:${at('2026-11-16T16:00:00Z')}` } });
    expect(d.action !== 'skip' && d.occasion.expiresAtMs).toBe(NOON + 24 * HOUR);
  });

  it('skips when quiet hours last past the expiry', () => {
    const d = decide(
      state('2026-11-22T09:00:00Z'),
      [silence({ expiryMinutes: 60 })],
      on,
      at('2026-11-23T09:00:00Z'),
    );
    expect(d).toMatchObject({ action: 'skip', reason: 'quiet_hours' });
  });

  it("defers to the user's next good hour when the trigger asks for one", () => {
    const d = decide(state(LAST, { activity: evenings }), [silence({ atGoodTime: true })], on, NOON);
    // 19:00 Chicago on Monday is 01:00Z on Tuesday
    expect(d).toMatchObject({ action: 'defer', untilMs: at('2026-11-24T01:00:00Z') });
    const now = decide(
      state(LAST, { activity: evenings }),
      [silence({ atGoodTime: true })],
      on,
      at('2026-11-24T02:10:00Z'),
    );
    expect(now.action).toBe('send');
  });

  it('finds the good hour at its local start across a DST change, in any zone', () => {
    // Berlin goes back an hour on 2026-10-25 at 03:00; 19:00 local that day is 18:00Z
    const berlin = new ZoneOffsets('Europe/Berlin');
    const s = state('2026-10-24T06:00:00Z', { zone: berlin, activity: evenings, userLastInboundAtMs: null });
    const d = decide(s, [silence({ atGoodTime: true })], on, at('2026-10-25T07:30:00Z'));
    expect(d).toMatchObject({ action: 'defer', untilMs: at('2026-10-25T18:00:00Z') });
    // and on the night clocks go forward (2026-03-29): 19:00 local is 17:00Z
    const spring = state('2026-03-27T22:00:00Z', {
      zone: berlin,
      activity: evenings,
      userLastInboundAtMs: null,
    });
    const d2 = decide(spring, [silence({ atGoodTime: true })], on, at('2026-03-29T00:30:00Z'));
    expect(d2).toMatchObject({ action: 'defer', untilMs: at('2026-03-29T17:00:00Z') });
    fc.assert(
      fc.property(
        fc.constantFrom('America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z') }),
        (zone, nowMs) => {
          const z = new ZoneOffsets(zone);
          const s3 = state(new Date(nowMs - 30 * HOUR).toISOString(), {
            zone: z,
            activity: evenings,
            userLastInboundAtMs: null,
          });
          const d3 = decide(s3, [silence({ atGoodTime: true })], { ...on, quietHours: null }, nowMs);
          const when = d3.action === 'defer' ? d3.untilMs : nowMs;
          const local = z.hourOfWeek(when) % 24;
          expect(local >= 19 && local < 22).toBe(true);
          if (d3.action === 'defer') expect(z.untilNextLocalHour(when)).toBe(HOUR);
        },
      ),
    );
  });

  it('waits while the user is mid-conversation with any character', () => {
    const d = decide(state(LAST, { userLastInboundAtMs: NOON - 10 * 60_000 }), [silence()], on, NOON);
    expect(d).toMatchObject({ action: 'defer', untilMs: NOON + 20 * 60_000 });
  });

  it("defers past a full day's cap to the next local morning outside quiet hours", () => {
    const acts: ProactiveAct[] = [
      { atMs: at('2026-11-23T15:00:00Z'), characterId: 'max', triggerId: 'other' },
      { atMs: at('2026-11-23T16:00:00Z'), characterId: 'kai', triggerId: 'other' },
    ];
    const d = decide(
      state(LAST, { acts }),
      [silence({ expiryMinutes: 48 * 60 })],
      { ...on, minGapMinutes: 0 },
      NOON,
    );
    // two to this user today (cap 2): next local day starts at 06:00Z, quiet until 08:00 local = 14:00Z
    expect(d).toMatchObject({ action: 'defer', untilMs: at('2026-11-24T14:00:00Z') });
    expect(d.trace.find((c) => c.check === 'user_caps')).toMatchObject({ passed: false });
  });

  it('honours the cooldown of a trigger and the gap between any two messages', () => {
    const acts: ProactiveAct[] = [{ atMs: NOON - HOUR, characterId: 'max', triggerId: 'idle' }];
    const gap = decide(state(LAST, { acts }), [silence()], on, NOON);
    expect(gap).toMatchObject({ action: 'defer', untilMs: NOON + 2 * HOUR });
    const cooldown = decide(
      state(LAST, { acts }),
      [silence({ cooldownMinutes: 6 * 60 })],
      { ...on, minGapMinutes: 0 },
      NOON,
    );
    expect(cooldown).toMatchObject({ action: 'defer', untilMs: NOON + 5 * HOUR });
  });

  it('acts on the highest-priority occasion, and one that can act now over a deferral', () => {
    const webhook: Trigger = { ...silence(), id: 'alert', spec: { kind: 'webhook' }, priority: 5 };
    const occasion = { triggerId: 'alert', key: 'webhook:1', atMs: NOON - 60_000, expiresAtMs: NOON + HOUR };
    const d = decide(state(LAST, { occasions: [occasion] }), [silence(), webhook], on, NOON);
    expect(d.action !== 'skip' && d.occasion.triggerId).toBe('alert');
    const coolingAlert = { ...webhook, cooldownMinutes: 600 };
    const acts: ProactiveAct[] = [{ atMs: NOON - 5 * HOUR, characterId: 'luna', triggerId: 'alert' }];
    const d2 = decide(state(LAST, { occasions: [occasion], acts }), [silence(), coolingAlert], on, NOON);
    expect(d2.action !== 'skip' && d2.occasion.triggerId).toBe('idle');
  });

  it('ignores occasions of a disabled or deleted trigger, and says so', () => {
    const occasion = { triggerId: 'gone', key: 'event:e1', atMs: NOON - 60_000, expiresAtMs: NOON + HOUR };
    const d = decide(state(LAST, { occasions: [occasion] }), [], on, NOON);
    expect(d).toMatchObject({ action: 'skip', reason: 'nothing_due' });
    expect(describeCheck(d.trace.find((c) => c.check === 'trigger')!)).toBe('trigger deleted');
  });

  it('never sends in quiet hours and never defers into them or past the expiry, in any zone', () => {
    const zones = [
      'UTC',
      'America/Chicago',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'America/St_Johns',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z') }),
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 30, max: 3 * 24 * 60 }),
        fc.boolean(),
        fc.nat(1439),
        fc.nat(1439),
        (zone, nowMs, silentHours, expiryMinutes, atGoodTime, startMinute, endMinute) => {
          const z = new ZoneOffsets(zone);
          const quietHours = { startMinute, endMinute };
          const last = new Date(nowMs - silentHours * HOUR).toISOString();
          const s = state(last, {
            zone: z,
            activity: evenings,
            userLastInboundAtMs: nowMs - silentHours * HOUR,
          });
          const d = decide(s, [silence({ expiryMinutes, atGoodTime })], { ...on, quietHours }, nowMs);
          const minuteOf = (ms: number) => localMinuteOfDay(z, ms);
          if (d.action === 'send') expect(isQuietMinute(minuteOf(nowMs), quietHours)).toBe(false);
          if (d.action === 'defer') {
            expect(isQuietMinute(minuteOf(d.untilMs), quietHours)).toBe(false);
            expect(d.untilMs).toBeGreaterThan(nowMs);
            expect(d.untilMs).toBeLessThanOrEqual(d.occasion.expiresAtMs);
          }
        },
      ),
    );
  });

  it('never exceeds the caps in any local day or week, whatever fires and whenever', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('America/Chicago', 'Asia/Tokyo', 'Europe/Berlin'),
        fc.array(fc.integer({ min: 0, max: 21 * 24 * 60 }), { minLength: 1, maxLength: 120 }),
        fc.record({ perDay: fc.integer({ min: 0, max: 3 }), perWeek: fc.integer({ min: 0, max: 6 }) }),
        (zone, minutes, caps) => {
          const z = new ZoneOffsets(zone);
          const start = at('2026-03-02T00:00:00Z');
          const acts: ProactiveAct[] = [];
          const policy: Policy = {
            ...on,
            userCaps: caps,
            minGapMinutes: 0,
            backoffAfterUnanswered: 1000,
            quietHours: null,
          };
          const webhook: Trigger = { ...silence(), id: 'hook', spec: { kind: 'webhook' } };
          for (const m of [...minutes].sort((a, b) => a - b)) {
            const nowMs = start + m * 60_000;
            const occasion = { triggerId: 'hook', key: `w${m}`, atMs: nowMs, expiresAtMs: nowMs + HOUR };
            const s = state('2026-03-01T00:00:00Z', {
              zone: z,
              acts,
              occasions: [occasion],
              userLastInboundAtMs: null,
            });
            const d = decide(s, [webhook], policy, nowMs);
            if (d.action === 'send') acts.push({ atMs: nowMs, characterId: 'luna', triggerId: 'hook' });
          }
          const perDay = new Map<number, number>();
          const perWeek = new Map<number, number>();
          for (const a of acts) {
            const day = Math.floor(z.toLocal(a.atMs) / 86_400_000);
            const week = Math.floor((day + 3) / 7);
            perDay.set(day, (perDay.get(day) ?? 0) + 1);
            perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
          }
          for (const n of perDay.values()) expect(n).toBeLessThanOrEqual(caps.perDay);
          for (const n of perWeek.values()) expect(n).toBeLessThanOrEqual(caps.perWeek);
        },
      ),
    );
  });
});
