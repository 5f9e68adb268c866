import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneCache } from '../shared/local-time.js';
import { Schedule, type ScheduleRule } from '../triggers/schedule.js';
import type { Trigger } from '../triggers/trigger.js';
import { conditionOccasion } from './occasion.js';

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
const zones = new ZoneCache();

const scheduled = (rule: ScheduleRule, zone: string, expiryMinutes: number): Trigger => ({
  id: 's',
  name: 's',
  spec: { kind: 'schedule', rule, zone: { kind: 'named', zone } },
  enabled: true,
  characterIds: null,
  approval: 'auto',
  priority: 0,
  cooldownMinutes: 0,
  caps: { perDay: null, perWeek: null },
  expiryMinutes,
  atGoodTime: false,
  enabledAtMs: 0,
  minEngagement: null,
  holdout: { probability: 0, unit: 'user' },
  funnel: null,
});

describe('schedule occasions', () => {
  it('are the latest unexpired occurrence since enabling at every instant of a sweep, cached or not', () => {
    // one rule asked about many instants, mostly a few minutes forward, sometimes back, sometimes
    // days away, by two triggers of different expiries: each answer must be what an uncached
    // schedule computes for that window alone
    const expiries = fc.constantFrom(3, 20, 60, 24 * 60, 3 * 24 * 60);
    const step = fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 6 },
      { arbitrary: fc.integer({ min: -90, max: 90 }), weight: 2 },
      { arbitrary: fc.integer({ min: -2 * 24 * 60, max: 24 * 60 }), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('0 9 * * 1-5', '0 * * * *', '*/20 * * * *', '30 2 * * *', '0 0 1 * *'),
        fc.constantFrom('America/Chicago', 'Europe/Berlin', 'Australia/Lord_Howe'),
        fc.tuple(expiries, expiries),
        // whole minutes, as occurrences are, so that windows start and end on them
        fc.integer({ min: at('2026-01-01T00:00:00Z') / MINUTE, max: at('2027-12-31T00:00:00Z') / MINUTE }),
        fc.array(fc.tuple(step, fc.boolean()), { minLength: 1, maxLength: 60 }),
        // the second trigger was enabled around the start, so some windows begin there
        fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
        (cron, zone, [short, long], start, steps, enabledAt) => {
          const rule = { cron };
          const triggers = [
            scheduled(rule, zone, short),
            { ...scheduled(rule, zone, long), enabledAtMs: (start + enabledAt) * MINUTE },
          ];
          const offsets = zones.get(zone);
          const inputs = { lastContactAtMs: null, zone: offsets, activityScore: null, zones };
          let now = start * MINUTE;
          for (const [minutes, second] of steps) {
            now += minutes * MINUTE;
            const trigger = triggers[second ? 1 : 0]!;
            const since = Math.max(now - trigger.expiryMinutes * MINUTE, trigger.enabledAtMs - 1);
            const expected = new Schedule(rule).latestIn(offsets, since, now);
            expect(conditionOccasion(trigger, inputs, now)?.atMs ?? null).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('are computed anew for a window that starts or ends before the one answered last', () => {
    // one hourly rule shared by two triggers: the answer for one window must not be reused for
    // a window that reaches an occurrence outside it
    const rule = { cron: '0 * * * *' };
    const short = scheduled(rule, 'UTC', 3);
    const long = scheduled(rule, 'UTC', 20);
    const late = scheduled(rule, 'UTC', 60);
    const inputs = { lastContactAtMs: null, zone: zones.get('UTC'), activityScore: null, zones };
    expect(conditionOccasion(short, inputs, at('2026-11-23T10:03:00Z'))).toBeNull();
    expect(conditionOccasion(long, inputs, at('2026-11-23T10:19:00Z'))?.atMs).toBe(
      at('2026-11-23T10:00:00Z'),
    );
    expect(conditionOccasion(late, inputs, at('2026-11-23T10:30:00Z'))?.atMs).toBe(
      at('2026-11-23T10:00:00Z'),
    );
    expect(conditionOccasion(long, inputs, at('2026-11-23T09:59:00Z'))).toBeNull();
  });

  it('skip an occurrence from before the trigger was created or enabled, inside the expiry or not', () => {
    const rule = { cron: '0 10 * * *' };
    const inputs = { lastContactAtMs: null, zone: zones.get('Europe/Berlin'), activityScore: null, zones };
    // enabled at 08:00Z: the previous day's 09:00Z (10:00 in Berlin) is inside 24 h but came before
    const trigger = { ...scheduled(rule, 'Europe/Berlin', 24 * 60), enabledAtMs: at('2026-12-02T08:00:00Z') };
    expect(conditionOccasion(trigger, inputs, at('2026-12-02T08:00:00Z'))).toBeNull();
    expect(conditionOccasion(trigger, inputs, at('2026-12-02T08:59:59Z'))).toBeNull();
    expect(conditionOccasion(trigger, inputs, at('2026-12-02T09:00:00Z'))?.atMs).toBe(
      at('2026-12-02T09:00:00Z'),
    );
    // enabled at the very instant of an occurrence: that one is its own
    const onTime = { ...trigger, enabledAtMs: at('2026-12-02T09:00:00Z') };
    expect(conditionOccasion(onTime, inputs, at('2026-12-02T09:30:00Z'))?.atMs).toBe(
      at('2026-12-02T09:00:00Z'),
    );
    // enabled a moment after an occurrence: that one is not its to send, the next one is
    const late = { ...trigger, enabledAtMs: at('2026-12-02T09:00:01Z') };
    expect(conditionOccasion(late, inputs, at('2026-12-02T09:30:00Z'))).toBeNull();
    expect(conditionOccasion(late, inputs, at('2026-12-03T09:30:00Z'))?.atMs).toBe(
      at('2026-12-03T09:00:00Z'),
    );
  });
});
