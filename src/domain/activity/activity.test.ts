import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOURS_PER_WEEK, ZoneCache, ZoneOffsets } from '../shared/local-time.js';
import { assessHour, bestHours, heatmapOf, nextGoodTime } from './good-time.js';
import { countsAt, emptyHistogram, observe, totalAt } from './histogram.js';
import { activityDistribution, confidenceOf, GENERIC_PROFILE } from './profile.js';
import {
  DEFAULT_SCALES,
  DEFAULT_VISIT_WEIGHTING,
  emptyUserActivity,
  eventWeight,
  observeActivity,
  refreshInference,
} from './user-activity.js';
import { inferZone, resolveZone, ZONE_INFERENCE } from './zone-inference.js';

const DAY = 86_400_000;
const HALF_LIFE = 14 * DAY;
/** Both memories at HALF_LIFE, so that a test reads what it wrote with the half-life it wrote it with. */
const SCALES = { longMs: HALF_LIFE, recentMs: HALF_LIFE };
const at = (iso: string) => Date.parse(iso);
const how = (day: number, hour: number) => day * 24 + hour;
const sum = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0);
/** A population (in local time) active 19:00-22:00. */
const eveningPopulation = () =>
  activityDistribution(
    Float64Array.from({ length: HOURS_PER_WEEK }, (_, h) => (h % 24 >= 19 && h % 24 <= 22 ? 50 : 1)),
    GENERIC_PROFILE,
  );

describe('decayed histogram', () => {
  it("halves an observation's weight every half-life", () => {
    const h = emptyHistogram(at('2026-01-01T00:00:00Z'));
    observe(h, 5, at('2026-01-01T00:00:00Z'), HALF_LIFE);
    expect(totalAt(h, at('2026-01-15T00:00:00Z'), HALF_LIFE)).toBeCloseTo(0.5, 10);
    expect(countsAt(h, at('2026-01-29T00:00:00Z'), HALF_LIFE)[5]).toBeCloseTo(0.25, 10);
  });

  it('gives the same counts whatever order observations arrive in, across rebases', () => {
    const obs = fc.array(fc.record({ h: fc.nat(HOURS_PER_WEEK - 1), day: fc.nat(400) }), { maxLength: 80 });
    fc.assert(
      fc.property(obs, (list) => {
        const a = emptyHistogram(0);
        const b = emptyHistogram(0);
        for (const o of list) observe(a, o.h, o.day * DAY, HALF_LIFE);
        for (const o of [...list].reverse()) observe(b, o.h, o.day * DAY, HALF_LIFE);
        const ca = countsAt(a, 500 * DAY, HALF_LIFE);
        const cb = countsAt(b, 500 * DAY, HALF_LIFE);
        for (let i = 0; i < HOURS_PER_WEEK; i++) expect(ca[i]).toBeCloseTo(cb[i]!, 9);
      }),
    );
  });
});

describe('activity distribution', () => {
  const counts = (entries: [number, number][]) => {
    const c = new Float64Array(HOURS_PER_WEEK);
    for (const [h, n] of entries) c[h] = n;
    return c;
  };

  it("sums to 1 and leaves a user with three events mostly the population's shape", () => {
    const few = activityDistribution(counts([[how(1, 3), 3]]), GENERIC_PROFILE);
    expect(sum(few)).toBeCloseTo(1, 10);
    // an evening hour the user never used keeps most of the population's probability
    expect(few[how(2, 20)]! / GENERIC_PROFILE[how(2, 20)]!).toBeGreaterThan(0.5);
  });

  it('gives a user with three hundred events their own hours', () => {
    const many = activityDistribution(counts([[how(1, 3), 300]]), GENERIC_PROFILE);
    expect(bestHours(many, 1)[0]).toMatchObject({ day: 'Tuesday', hour: 3 });
    expect(many[how(2, 20)]! / GENERIC_PROFILE[how(2, 20)]!).toBeLessThan(0.1);
  });

  it('lends a neighbouring hour credit: one 21:00 message does not make 20:00 dead', () => {
    const d = activityDistribution(counts([[how(2, 21), 40]]), GENERIC_PROFILE);
    expect(d[how(2, 20)]! / d[how(2, 21)]!).toBeGreaterThan(0.2);
    expect(d[how(2, 20)]!).toBeGreaterThan(d[how(2, 16)]!);
  });

  it('wraps smoothing from Sunday 23:00 to Monday 00:00', () => {
    const d = activityDistribution(counts([[how(6, 23), 50]]), GENERIC_PROFILE);
    expect(d[how(0, 0)]!).toBeGreaterThan(d[how(0, 3)]!);
  });

  it('grows confidence with evidence, within [0, 1)', () => {
    expect(confidenceOf(0)).toBe(0);
    expect(confidenceOf(3)).toBeLessThan(confidenceOf(30));
    expect(confidenceOf(10_000)).toBeLessThan(1);
  });
});

describe('zone inference', () => {
  it("finds the offset of a user who keeps the population's rhythm", () => {
    // an evening user in UTC+2: local 19-22 is 17-20 UTC
    const utc = new Float64Array(HOURS_PER_WEEK);
    for (let d = 0; d < 7; d++) for (const h of [17, 18, 19, 20]) utc[d * 24 + h] = 3;
    const guess = inferZone(utc, eveningPopulation());
    expect(guess?.offsetMinutes).toBe(120);
    expect(guess?.zone).toBe('Etc/GMT-2');
  });

  const eveningsIn = (offsetMinutes: number) => {
    const utc = new Float64Array(HOURS_PER_WEEK);
    for (let d = 0; d < 7; d++)
      for (const local of [19, 20, 21]) {
        const h = (d * 24 + local - Math.floor(offsetMinutes / 60) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
        utc[h] = 2;
      }
    return utc;
  };

  it("names the tenant's zone at that offset, so that its DST rules apply", () => {
    const known = [
      { zone: 'Europe/Berlin', offsetMinutes: 120, users: 40 },
      { zone: 'Europe/Paris', offsetMinutes: 120, users: 10 },
      { zone: 'America/New_York', offsetMinutes: -240, users: 30 },
    ];
    const guess = inferZone(eveningsIn(120), eveningPopulation(), known);
    expect(guess).toMatchObject({ offsetMinutes: 120, zone: 'Europe/Berlin' });
  });

  it('finds a half-hour offset where the tenant has users, and only whole hours elsewhere', () => {
    // Kolkata evenings 19:00-21:59 are 13:30-16:29 UTC: counted in the UTC hours 13 to 16
    const utc = new Float64Array(HOURS_PER_WEEK);
    for (let d = 0; d < 7; d++) for (const h of [14, 15]) utc[d * 24 + h] = 2;
    for (let d = 0; d < 7; d++) for (const h of [13, 16]) utc[d * 24 + h] = 1;
    const withKolkata = inferZone(utc, eveningPopulation(), [
      { zone: 'Asia/Kolkata', offsetMinutes: 330, users: 20 },
    ]);
    expect(withKolkata).toMatchObject({ offsetMinutes: 330, zone: 'Asia/Kolkata' });
    expect(inferZone(utc, eveningPopulation())!.offsetMinutes % 60).toBe(0);
  });

  it('is less sure when some users keep hours shifted from the population (night owls)', () => {
    const known = [
      { zone: 'Europe/Berlin', offsetMinutes: 120, users: 50 },
      { zone: 'America/New_York', offsetMinutes: -240, users: 50 },
    ];
    // evenings at 19-21 UTC+2 are also night-owl hours at UTC-2 and earlier evenings further east
    const sure = inferZone(eveningsIn(120), eveningPopulation(), known, {
      ...ZONE_INFERENCE,
      shiftedShare: 0,
    })!;
    const hedged = inferZone(eveningsIn(120), eveningPopulation(), known, ZONE_INFERENCE)!;
    expect(hedged.zone).toBe('Europe/Berlin');
    expect(hedged.confidence).toBeLessThan(sure.confidence);
  });

  it("weighs offsets by where the tenant's users live", () => {
    const alone = inferZone(eveningsIn(120), eveningPopulation())!;
    const withNeighbours = inferZone(eveningsIn(120), eveningPopulation(), [
      { zone: 'Europe/Berlin', offsetMinutes: 120, users: 50 },
      { zone: 'America/New_York', offsetMinutes: -240, users: 50 },
    ])!;
    expect(withNeighbours.confidence).toBeGreaterThan(alone.confidence);
    // three evening hours cannot tell UTC+2 from UTC+1 well: many users an hour away win
    const nextDoor = inferZone(eveningsIn(120), eveningPopulation(), [
      { zone: 'Europe/London', offsetMinutes: 60, users: 500 },
    ])!;
    expect(nextDoor).toMatchObject({ offsetMinutes: 60, zone: 'Europe/London' });
  });

  it('prefers the explicit zone, then a confident inference, then the default', () => {
    const inferred = { offsetMinutes: 180, zone: 'Etc/GMT-3', confidence: 0.96 };
    expect(resolveZone({ explicit: 'Asia/Tokyo', inferred, defaultZone: 'UTC' })).toMatchObject({
      source: 'explicit',
    });
    expect(resolveZone({ explicit: null, inferred, defaultZone: 'UTC' })).toMatchObject({
      source: 'inferred',
      zone: 'Etc/GMT-3',
    });
    expect(
      resolveZone({
        explicit: null,
        inferred: { ...inferred, confidence: 0.3 },
        defaultZone: 'Europe/Paris',
      }),
    ).toEqual({
      zone: 'Europe/Paris',
      source: 'default',
      confidence: 0,
    });
  });
});

describe('user activity', () => {
  it('never counts an hour twice and keeps local placement DST-correct', () => {
    const berlin = new ZoneOffsets('Europe/Berlin');
    const model = emptyUserActivity(at('2026-03-01T00:00:00Z'));
    // 21:00 Berlin every Tuesday across the March change: 20:00 UTC before, 19:00 UTC after
    for (const iso of [
      '2026-03-17T20:00:00Z',
      '2026-03-24T20:00:00Z',
      '2026-03-31T19:00:00Z',
      '2026-04-07T19:00:00Z',
    ]) {
      observeActivity(model, at(iso), berlin, 'explicit', SCALES);
    }
    const local = countsAt(model.local, at('2026-04-08T00:00:00Z'), HALF_LIFE);
    expect(local[how(1, 21)]! / sum(local)).toBeCloseTo(1, 10);
    const utc = countsAt(model.utc, at('2026-04-08T00:00:00Z'), HALF_LIFE);
    expect(utc[how(1, 20)]! > 0 && utc[how(1, 19)]! > 0).toBe(true);
  });

  it('counts a visit of many messages as about one observation, in either time order', () => {
    const utc = new ZoneOffsets('UTC');
    const { gapMs, followUpWeight } = DEFAULT_VISIT_WEIGHTING;
    const visit = (startIso: string) => Array.from({ length: 8 }, (_, i) => at(startIso) + i * 120_000);
    const times = [...visit('2026-01-06T20:00:00Z'), ...visit('2026-01-07T09:00:00Z')];
    const inOrder = emptyUserActivity(0);
    for (const t of times) observeActivity(inOrder, t, utc, 'explicit', SCALES);
    const evidence = totalAt(inOrder.local, at('2026-01-07T09:14:00Z'), HALF_LIFE);
    // two visits: each opening message counts 1, each of the seven others followUpWeight
    expect(evidence).toBeGreaterThan(0.95 * 2 * (1 + 7 * followUpWeight)); // decayed over 13 hours
    expect(evidence).toBeLessThanOrEqual(2 * (1 + 7 * followUpWeight));
    // a late message of a visit counts as part of it; a later visit counts in full
    expect(eventWeight(at('2026-01-07T09:14:00Z'), at('2026-01-07T09:00:00Z'))).toBe(followUpWeight);
    expect(eventWeight(at('2026-01-07T09:00:00Z'), at('2026-01-07T09:00:00Z') + gapMs)).toBe(1);
    expect(eventWeight(Number.NEGATIVE_INFINITY, 0)).toBe(1);
    const reversed = emptyUserActivity(0);
    for (const t of [...times].reverse()) observeActivity(reversed, t, utc, 'explicit', SCALES);
    // the same weights, but on the last message of each visit instead of the first: decay differs a little
    expect(totalAt(reversed.local, at('2026-01-07T09:14:00Z'), HALF_LIFE)).toBeCloseTo(evidence, 2);
  });

  it("keeps a traveller's local habits when the bot moves them to another zone", () => {
    const model = emptyUserActivity(0);
    observeActivity(model, at('2026-01-06T20:00:00Z'), new ZoneOffsets('Europe/London'), 'explicit', SCALES);
    observeActivity(model, at('2026-01-13T11:00:00Z'), new ZoneOffsets('Asia/Tokyo'), 'explicit', SCALES);
    const local = countsAt(model.local, at('2026-01-14T00:00:00Z'), HALF_LIFE);
    expect(local[how(1, 20)]).toBeGreaterThan(0); // London evening kept as it was
    expect(local[how(1, 20)]).toBeGreaterThan(0.5);
  });

  it('counts a default zone the bot then confirms as given, and keeps it on a later move', () => {
    const model = emptyUserActivity(0);
    observeActivity(model, at('2026-01-06T20:00:00Z'), new ZoneOffsets('UTC'), 'default', SCALES);
    observeActivity(model, at('2026-01-07T20:00:00Z'), new ZoneOffsets('UTC'), 'explicit', SCALES);
    expect(model.localZoneSource).toBe('explicit');
    observeActivity(model, at('2026-01-08T11:00:00Z'), new ZoneOffsets('Asia/Tokyo'), 'explicit', SCALES);
    const local = countsAt(model.local, at('2026-01-09T00:00:00Z'), HALF_LIFE);
    // the two UTC evenings stay evenings (decayed a little): a traveller's habits are not
    // rotated into Tokyo's early morning
    expect(local[how(1, 20)]).toBeGreaterThan(0.85);
    expect(local[how(2, 20)]).toBeGreaterThan(0.85);
    expect(local[how(2, 5)]).toBe(0);
    expect(local[how(3, 5)]).toBe(0);
  });

  it('re-places a histogram built on the default zone once the real zone is known', () => {
    const model = emptyUserActivity(0);
    observeActivity(model, at('2026-01-06T20:00:00Z'), new ZoneOffsets('UTC'), 'default', SCALES);
    observeActivity(model, at('2026-01-07T20:00:00Z'), new ZoneOffsets('Asia/Tokyo'), 'explicit', SCALES);
    const local = countsAt(model.local, at('2026-01-08T00:00:00Z'), HALF_LIFE);
    // both 20:00 UTC events are 05:00 in Tokyo, on Wednesday and Thursday
    expect(local[how(2, 5)]).toBeGreaterThan(0.9);
    expect(local[how(3, 5)]).toBeGreaterThan(0.9);
    expect(local[how(1, 20)]).toBe(0);
  });
});

describe('zone inference over a user without a zone who moves', () => {
  const population = eveningPopulation();
  const start = at('2026-01-05T00:00:00Z');
  const end = start + 112 * DAY;
  // as the engine ingests: refresh the inference, resolve the zone, observe; evenings 19-22 local,
  // 8 weeks in UTC-5, then 8 weeks in UTC+9
  const lived = () => {
    const zones = new ZoneCache();
    const model = emptyUserActivity(start);
    for (let d = 0; d < 112; d++) {
      for (const local of [19, 20, 21, 22]) {
        const t = start + d * DAY + (local - (d < 56 ? -5 : 9)) * 3_600_000;
        refreshInference(model, { population, zones: [], offsets: zones }, t, DEFAULT_SCALES);
        const zone = resolveZone({ explicit: null, inferred: model.inferred, defaultZone: 'UTC' });
        observeActivity(model, t, zones.get(zone.zone), zone.source, DEFAULT_SCALES);
      }
    }
    return model;
  };

  it('shows the new zone in the recent UTC rhythm after eight weeks there, and both in the long one', () => {
    const model = lived();
    const recent = countsAt(model.recentUtc, end, DEFAULT_SCALES.recentMs);
    expect(inferZone(recent, population)?.offsetMinutes).toBe(540);
    const long = countsAt(model.utc, end, DEFAULT_SCALES.longMs);
    // evenings 19-22 at UTC-5 are 00-03 UTC, at UTC+9 10-13 UTC: both habits are in the year's memory
    expect(long[how(0, 1)]! / long[how(0, 11)]!).toBeGreaterThan(0.8);
  });

  // A steady user's decayed evidence levels off at rate x half-life / ln 2, so re-inferring only
  // when it doubles would keep the first confident zone for ever; refreshInference also re-infers
  // once a recent half-life has passed, from the recent weeks first.
  it('re-infers the zone once the user has lived in the new one for weeks', () => {
    const model = lived();
    expect(model.inferred?.offsetMinutes).toBe(540);
    expect(model.localZone).toBe('Asia/Tokyo'); // the zone most people at UTC+9 live in
  });
});

describe('good times', () => {
  const evening = activityDistribution(
    Float64Array.from({ length: HOURS_PER_WEEK }, (_, h) => (h % 24 >= 19 && h % 24 <= 22 ? 20 : 0)),
    GENERIC_PROFILE,
  );

  it('says why an hour is good or not', () => {
    const good = assessHour(evening, how(1, 20), 0.9);
    expect(good.good).toBe(true);
    expect(good.reason).toContain("Tuesday 20:00 local is one of this user's active hours");
    const bad = assessHour(evening, how(1, 4), 0.9);
    expect(bad.good).toBe(false);
    expect(bad.reason).toContain('quiet hour');
  });

  it("finds the best local hour in a window, in the user's zone", () => {
    const ny = new ZoneOffsets('America/New_York');
    // from Monday 09:00 New York (14:00 UTC) within 12 hours: the evening, at a local hour start
    const next = nextGoodTime(evening, ny, at('2026-01-05T14:00:00Z'), 12 * 3_600_000)!;
    expect(ny.hourOfWeek(next.atMs) % 24).toBeGreaterThanOrEqual(19);
    expect(new Date(next.atMs).getUTCMinutes()).toBe(0);
    expect(next.score).toBeGreaterThan(0.9);
  });

  it('never answers inside quiet hours, and answers null when they cover the window', () => {
    const ny = new ZoneOffsets('America/New_York');
    // quiet from 20:00 to 09:00: the evening peak is out of reach; from 19:30 local, 19:30 itself is best
    const quiet = { startMinute: 20 * 60, endMinute: 9 * 60 };
    const next = nextGoodTime(evening, ny, at('2026-01-06T00:30:00Z'), 12 * 3_600_000, quiet)!;
    expect(next.atMs).toBe(at('2026-01-06T00:30:00Z'));
    // from 21:00 local within 10 hours: nothing before 07:00; with 13 hours, 09:00 local
    expect(nextGoodTime(evening, ny, at('2026-01-06T02:00:00Z'), 10 * 3_600_000, quiet)).toBeNull();
    expect(nextGoodTime(evening, ny, at('2026-01-06T02:00:00Z'), 13 * 3_600_000, quiet)?.atMs).toBe(
      at('2026-01-06T14:00:00Z'),
    );
  });

  it('draws the heatmap as 7 rows of 24 that sum to 1', () => {
    const map = heatmapOf(evening);
    expect(map).toHaveLength(7);
    expect(map.every((row) => row.length === 24)).toBe(true);
    expect(sum(map.flat())).toBeCloseTo(1, 10);
  });
});
