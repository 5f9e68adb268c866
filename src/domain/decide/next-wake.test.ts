import { describe, expect, it } from 'vitest';
import { NO_STANDING } from '../outcomes/standing.js';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { HOURS_PER_WEEK, ZoneCache } from '../shared/local-time.js';
import type { Trigger, TriggerSpec } from '../triggers/trigger.js';
import { activityView, type DecisionState, decide, usedKey } from './decide.js';
import { nextWake } from './next-wake.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const zones = new ZoneCache();
const chicago = zones.get('America/Chicago');
const on: Policy = { ...DEFAULT_POLICY, allowProactive: true };

const trigger = (id: string, spec: TriggerSpec, over: Partial<Trigger> = {}): Trigger => ({
  id,
  name: id,
  spec,
  enabled: true,
  characterIds: null,
  approval: 'auto',
  priority: 0,
  cooldownMinutes: 0,
  caps: { perDay: null, perWeek: null },
  expiryMinutes: 3 * 60,
  atGoodTime: false,
  enabledAtMs: 0,
  minEngagement: null,
  holdout: { probability: 0, unit: 'user' },
  funnel: null,
  ...over,
});

const standup = trigger('standup', {
  kind: 'schedule',
  rule: { cron: '0 9 * * 1-5' },
  zone: { kind: 'user' },
});
const silence = trigger('idle', { kind: 'silence', afterHours: 24 }, { expiryMinutes: 24 * 60 });

// 2026-11-23 is a Monday; Chicago is UTC-6.
const state = (over: Partial<DecisionState> = {}): DecisionState => ({
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
  userLastInboundAtMs: at('2026-11-20T16:00:00Z'),
  pairLastInboundAtMs: at('2026-11-20T16:00:00Z'),
  pairLastContactAtMs: at('2026-11-20T16:00:00Z'),
  acts: [],
  occasions: [],
  used: new Set(),
  zones,
  ...over,
});

describe('schedules in decide', () => {
  it('fires at 09:00 local on a weekday, keyed by the occurrence, until it expires', () => {
    const nine = at('2026-11-23T15:00:00Z');
    const d = decide(state(), [standup], on, nine + 10 * 60_000);
    expect(d.action).toBe('send');
    expect(d.occasion).toMatchObject({ key: `at:${nine}`, atMs: nine, expiresAtMs: nine + 3 * HOUR });
    expect(decide(state(), [standup], on, nine + 3 * HOUR + 1).action).toBe('skip');
    expect(decide(state(), [standup], on, nine - 1).action).toBe('skip');
  });

  it('fires at 09:00 in a named zone whatever the user’s zone', () => {
    const tokyo = trigger('tokyo', {
      kind: 'schedule',
      rule: { cron: '0 9 * * *' },
      zone: { kind: 'named', zone: 'Asia/Tokyo' },
    });
    // 09:00 in Tokyo is 00:00 UTC, 18:00 the day before in Chicago (outside quiet hours)
    const d = decide(state(), [tokyo], { ...on, quietHours: null }, at('2026-11-24T00:05:00Z'));
    expect(d.action !== 'skip' && d.occasion.atMs).toBe(at('2026-11-24T00:00:00Z'));
  });

  it('never acts twice on an occasion already used', () => {
    const nine = at('2026-11-23T15:00:00Z');
    const used = new Set([usedKey('standup', `at:${nine}`)]);
    expect(decide(state({ used }), [standup], on, nine + 60_000)).toMatchObject({
      action: 'skip',
      reason: 'nothing_due',
    });
  });
});

describe('nextWake', () => {
  it('makes the pair due again at once after acting on one of two recorded occasions due, and not for one it cannot act on', () => {
    const hook = trigger('hook', { kind: 'webhook' }, { expiryMinutes: 60 });
    const now = at('2026-11-23T18:00:00Z');
    const call = (key: string, over: object = {}) => ({
      triggerId: 'hook',
      key,
      atMs: now - 60_000,
      expiresAtMs: now + HOUR,
      ...over,
    });
    const s = state({ occasions: [call('hook:a'), call('hook:b')] });
    const d = decide(s, [hook], on, now);
    expect(d).toMatchObject({ action: 'send', occasion: { key: 'hook:a' } });
    // the sweep drops the occasion it acted on and counts it used, then asks for the next wake
    const wakeAfter = (occasions: ReturnType<typeof call>[], triggers = [hook]) =>
      nextWake(state({ occasions, used: new Set([usedKey('hook', 'hook:a')]) }), triggers, d, now);
    expect(wakeAfter([call('hook:b')])).toBe(now);
    // the same when it is still listed (a dry run): the one acted on does not count
    expect(wakeAfter([call('hook:a'), call('hook:b')])).toBe(now);
    // not for one expired, not due yet (that one is woken for when due), used, or of a disabled trigger
    expect(wakeAfter([call('hook:b', { expiresAtMs: now })])).toBeNull();
    expect(wakeAfter([call('hook:b', { atMs: now + HOUR })])).toBe(now + HOUR);
    expect(wakeAfter([call('hook:a')])).toBeNull();
    expect(wakeAfter([call('hook:b')], [{ ...hook, enabled: false }])).toBeNull();
  });

  it('wakes at the next occurrence of a schedule in the user’s zone', () => {
    const now = at('2026-11-23T16:00:00Z'); // Monday 10:00 Chicago, after the stand-up
    const d = decide(state({ pairLastContactAtMs: now - HOUR }), [standup], on, now);
    expect(iso(nextWake(state({ pairLastContactAtMs: now - HOUR }), [standup], d, now))).toBe(
      '2026-11-24T15:00:00.000Z',
    );
  });

  it('wakes at a deferral, and otherwise at the silence deadline', () => {
    const s = state({ pairLastContactAtMs: at('2026-11-23T10:00:00Z') });
    const now = at('2026-11-23T12:00:00Z');
    expect(iso(nextWake(s, [silence], decide(s, [silence], on, now), now))).toBe('2026-11-24T10:00:00.000Z');
    // silent since Friday; now is 03:00 Chicago, in quiet hours: deferred to 08:00
    const late = at('2026-11-23T09:00:00Z');
    const d = decide(state(), [silence], on, late);
    expect(d.action).toBe('defer');
    expect(iso(nextWake(state(), [silence], d, late))).toBe('2026-11-23T14:00:00.000Z');
  });

  it('does not wake again for an occasion blocked by a check that time does not change', () => {
    const s = state({ consent: 'opted_out' });
    const now = at('2026-11-23T18:00:00Z');
    const d = decide(s, [silence], on, now);
    expect(d).toMatchObject({ action: 'skip', reason: 'consent' });
    expect(nextWake(s, [silence], d, now)).toBeNull();
  });

  it('wakes for the next hour the user is usually active, on a day not yet used', () => {
    const evenings = activityView(
      Float64Array.from({ length: HOURS_PER_WEEK }, (_, h) => (h % 24 >= 19 && h % 24 < 22 ? 10 : 1)),
    );
    const active = trigger('active', { kind: 'active_now', minScore: 0.8 });
    const now = at('2026-11-23T18:00:00Z'); // 12:00 Chicago
    const s = state({ activity: evenings });
    const d = decide(s, [active], on, now);
    expect(iso(nextWake(s, [active], d, now))).toBe('2026-11-24T01:00:00.000Z'); // 19:00 Chicago
    const day = Math.floor((at('2026-11-23T19:00:00Z') - 6 * HOUR) / 86_400_000);
    const used = state({ activity: evenings, used: new Set([usedKey('active', `active:${day}`)]) });
    expect(iso(nextWake(used, [active], d, now))).toBe('2026-11-25T01:00:00.000Z');
  });

  it('wakes for a stored occasion that is not due yet, and never for a disabled or manual trigger', () => {
    const now = at('2026-11-23T18:00:00Z');
    const occasion = { triggerId: 'evt', key: 'e1', atMs: now + 10 * 60_000, expiresAtMs: now + HOUR };
    const s = state({ occasions: [occasion], pairLastContactAtMs: now });
    const d = decide(s, [], on, now);
    expect(nextWake(s, [], d, now)).toBe(occasion.atMs);
    const off = [
      { ...standup, enabled: false },
      { ...silence, approval: 'manual' as const },
    ];
    expect(nextWake(state({ pairLastContactAtMs: now }), off, d, now)).toBeNull();
  });

  it('is always after now', () => {
    const now = at('2026-11-23T18:00:00Z');
    const s = state({ pairLastContactAtMs: now - 24 * HOUR });
    const d = decide(s, [silence], on, now);
    const wake = nextWake(s, [silence], d, now);
    expect(wake === null || wake > now).toBe(true);
  });
});

describe('follow-ups of open loops', () => {
  const followUp = trigger('ask', { kind: 'follow_up', delayMinutes: 120 }, { expiryMinutes: 24 * 60 });
  const occasion = {
    triggerId: 'ask',
    key: 'loop:l1',
    atMs: at('2026-11-27T23:00:00Z'), // Friday 17:00 Chicago: 2 h after the loop
    expiresAtMs: at('2026-11-28T23:00:00Z'),
  };

  it('acts on the stored occasion of a loop once it is due, and wakes for it before', () => {
    const now = at('2026-11-27T20:00:00Z');
    const s = state({ occasions: [occasion] });
    const before = decide(s, [followUp], on, now);
    expect(before).toMatchObject({ action: 'skip', reason: 'nothing_due' });
    expect(iso(nextWake(s, [followUp], before, now))).toBe('2026-11-27T23:00:00.000Z');
    expect(decide(s, [followUp], on, occasion.atMs + 60_000)).toMatchObject({
      action: 'send',
      occasion: { triggerId: 'ask', key: 'loop:l1' },
    });
  });

  it('never fires by itself, without a stored occasion', () => {
    const now = at('2026-11-27T23:01:00Z');
    const d = decide(state(), [followUp], on, now);
    expect(d).toMatchObject({ action: 'skip', reason: 'nothing_due' });
    expect(nextWake(state(), [followUp], d, now)).toBeNull();
  });
});
