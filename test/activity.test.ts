import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confidenceOf } from '../src/domain/activity/profile.js';
import { DEFAULT_SCALES } from '../src/domain/activity/user-activity.js';
import { ZONE_INFERENCE } from '../src/domain/activity/zone-inference.js';
import { foldActivity } from '../src/domain/signals/activity-delta.js';
import { prepareActivity } from '../src/engine/activity/activity.js';
import { applyUserDeltas, type NewEvent } from '../src/storage/event.repository.js';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How many events at `ats`, each counting 1, weigh at `nowMs` with the default 21-day half-life. */
/** What the long memory holds of events at `ats`, as of `nowMs` (the engine's default half-life). */
const decayedCount = (ats: readonly number[], nowMs: number) =>
  ats.reduce((sum, at) => sum + 2 ** (-(nowMs - at) / DEFAULT_SCALES.longMs), 0);

describe.each(BACKENDS)('activity model through the API on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    // Monday 23 November 2026, 12:00 UTC
    t = await startTestServer(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Events at `utcHour` every day for `days` days before the clock, plus anything in `extra`. */
  const daily = (userId: string, utcHours: number[], days: number, kind = 'message_in') =>
    Array.from({ length: days }, (_, d) =>
      utcHours.map((h, i) => ({
        id: `${userId}-${kind}-${d}-${i}`,
        kind,
        userId,
        characterId: 'aria',
        at: new Date(
          Date.parse('2026-11-23T00:00:00Z') - (d + 1) * DAY + h * HOUR + 10 * 60_000,
        ).toISOString(),
      })),
    ).flat();
  const ingest = async (events: object[]) => {
    for (let i = 0; i < events.length; i += 1000) {
      const res = await t.request({
        method: 'POST',
        url: '/v1/events',
        payload: { events: events.slice(i, i + 1000) },
      });
      expect(res.status).toBe(200);
    }
  };
  const activity = (userId: string, at?: string) =>
    t.request({
      method: 'GET',
      url: `/v1/users/${userId}/activity${at ? `?at=${encodeURIComponent(at)}` : ''}`,
    });

  it("learns a user's evening in their own zone from what they do, not from the bot's messages", async () => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: { timezone: 'Europe/Berlin' } });
    // 20:00 and 21:00 Berlin (19:00, 20:00 UTC in November); the bot writes at 03:00 UTC
    await ingest([...daily('eve', [19, 20], 28), ...daily('eve', [3], 28, 'message_out')]);
    const res = await activity('eve', '2026-11-24T19:30:00Z');
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({
      timezone: 'Europe/Berlin',
      timezoneSource: 'explicit',
      timezoneConfidence: 1,
    });
    expect(body.heatmap).toHaveLength(7);
    expect(body.heatmap.every((row: number[]) => row.length === 24)).toBe(true);
    expect(body.heatmap.flat().reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 3);
    // 56 events over four weeks, fading with the half-life; confidence follows the evidence
    expect(body.evidence).toBeGreaterThan(20);
    expect(body.confidence).toBeCloseTo(confidenceOf(body.evidence), 2);
    expect(body.bestHours.map((h: { hour: number }) => h.hour).every((h: number) => h >= 19 && h <= 22)).toBe(
      true,
    );
    expect(body.now).toMatchObject({ good: true, day: 'Tuesday', hour: 20, localTime: '2026-11-24T20:30' });
    expect(body.now.reason).toContain("Tuesday 20:00 local is one of this user's active hours");
    // 04:00 Berlin, when only the bot was writing
    const night = await activity('eve', '2026-11-25T03:00:00Z');
    expect(night.body.now.good).toBe(false);
    expect(night.body.now.reason).toContain('quiet hour');
  });

  it('finds the next good time in a window, at a local hour boundary', async () => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: { timezone: 'Europe/Berlin' } });
    await ingest(daily('eve', [19, 20], 28));
    // from Tuesday 09:00 Berlin, within a day: the evening
    const res = await t.request({
      method: 'GET',
      url: '/v1/users/eve/next-good-time?after=2026-11-24T08:00:00Z&within=P1D',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ good: true, day: 'Tuesday', timezone: 'Europe/Berlin' });
    expect([19, 20, 21]).toContain(res.body.hour);
    expect(res.body.at).toMatch(/^2026-11-24T(18|19|20):00:00.000Z$/);
    // too short a window to reach the evening: still the best in it, honestly scored
    const morning = await t.request({
      method: 'GET',
      url: '/v1/users/eve/next-good-time?after=2026-11-24T08:00:00Z&within=PT2H',
    });
    expect(morning.body.good).toBe(false);
    expect(morning.body.score).toBeLessThan(0.5);
  });

  it("never answers inside the policy's quiet hours, the character's own where it has them", async () => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: { timezone: 'Europe/Berlin' } });
    await ingest(daily('eve', [22, 23], 28));
    const next = (query: string) =>
      t.request({
        method: 'GET',
        url: `/v1/users/eve/next-good-time?after=2026-11-24T17:00:00Z&within=PT12H${query}`,
      });
    // eve is most active 22:00-23:59 Berlin, inside the default quiet hours (22:00-08:00)
    const res = await next('');
    expect(res.body.quietHours).toBe('22:00-08:00');
    expect(res.body.hour).toBeLessThan(22);
    expect(res.body.at < '2026-11-24T21:00:00.000Z').toBe(true);
    // a character whose quiet hours start at midnight may reach her at her peak
    await t.request({
      method: 'PUT',
      url: '/v1/policy',
      payload: { characters: { owl: { quietHours: { start: '00:00', end: '09:00' } } } },
    });
    const owl = await next('&characterId=owl');
    expect(owl.body).toMatchObject({ quietHours: '00:00-09:00', good: true });
    expect([22, 23]).toContain(owl.body.hour);
    // a window entirely inside quiet hours has no answer
    const none = await t.request({
      method: 'GET',
      url: '/v1/users/eve/next-good-time?after=2026-11-24T22:00:00Z&within=PT6H',
    });
    expect(none.body).toMatchObject({ at: null, good: false, quietHours: '22:00-08:00' });
  });

  it.each([
    ['within=P1M', 'query.within'],
    ['within=P40D', 'query.within'],
    ['within=PT0S', 'query.within'],
    ['after=tomorrow', 'query.after'],
  ])('rejects next-good-time?%s with 400 naming %s', async (query, path) => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: {} });
    const res = await t.request({ method: 'GET', url: `/v1/users/eve/next-good-time?${query}` });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe(path);
  });

  it('answers 404 for an unknown user, and population hours with no confidence for a new one', async () => {
    expect((await activity('nobody')).status).toBe(404);
    await t.request({ method: 'PATCH', url: '/v1/users/newbie', payload: {} });
    const res = await activity('newbie');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      confidence: 0,
      evidence: 0,
      timezone: 'UTC',
      timezoneSource: 'default',
    });
    expect(res.body.now.reason).toContain('little evidence');
  });

  it("uses the tenant's default zone, then infers the zone from the rhythm against the population", async () => {
    const admin = await t.request({
      method: 'PATCH',
      url: '/v1/tenant',
      payload: { defaultTimezone: 'America/New_York' },
    });
    expect(admin.body.defaultTimezone).toBe('America/New_York');
    // a population of Berlin users, active 19:00-22:00 local (18-21 UTC)
    for (const u of ['b1', 'b2', 'b3', 'b4']) {
      await t.request({ method: 'PATCH', url: `/v1/users/${u}`, payload: { timezone: 'Europe/Berlin' } });
    }
    await ingest(['b1', 'b2', 'b3', 'b4'].flatMap((u) => daily(u, [18, 19, 20, 21], 21)));
    // a user with no zone given, active 10:00-13:00 UTC for eight weeks: the same evening rhythm in UTC+9
    await ingest(daily('tokyo', [10, 11, 12, 13], 56));
    const res = await activity('tokyo');
    // named by the zone most people at UTC+9 live in, which no user of the tenant was given
    expect(res.body).toMatchObject({ timezone: 'Asia/Tokyo', timezoneSource: 'inferred' });
    expect(res.body.timezoneConfidence).toBeGreaterThanOrEqual(ZONE_INFERENCE.minConfidence);
    // once the tenant has users given Asia/Seoul, the inference names that zone (the given-zone
    // counts are cached for five minutes)
    await t.request({ method: 'PATCH', url: '/v1/users/k1', payload: { timezone: 'Asia/Seoul' } });
    await t.request({ method: 'PATCH', url: '/v1/users/tokyo2', payload: {} });
    t.clock.advance({ minutes: 6 });
    await ingest(daily('tokyo2', [10, 11, 12, 13], 56));
    expect((await activity('tokyo2')).body).toMatchObject({
      timezone: 'Asia/Seoul',
      timezoneSource: 'inferred',
    });
    await t.request({ method: 'PATCH', url: '/v1/users/fresh', payload: {} });
    expect((await activity('fresh')).body).toMatchObject({
      timezone: 'America/New_York',
      timezoneSource: 'default',
    });
  });

  it("places a user without a zone by the offsets their events' timestamps carry, with no population to go by", async () => {
    // a week of evenings written by a phone in Kolkata: 20:00 and 21:00 at +05:30
    const stamped = (userId: string, offset: string) =>
      Array.from({ length: 7 }, (_, d) =>
        [20, 21].map((hour, i) => ({
          id: `${userId}-${d}-${i}`,
          kind: 'message_in',
          userId,
          characterId: 'aria',
          at: `${new Date(Date.parse('2026-11-15T00:00:00Z') + d * DAY + hour * HOUR).toISOString().slice(0, 19)}${offset}`,
        })),
      ).flat();
    await ingest(stamped('priya', '+05:30'));
    const res = await activity('priya', '2026-11-22T12:00:00Z');
    expect(res.body).toMatchObject({ timezone: 'Asia/Kolkata', timezoneSource: 'inferred' });
    expect(res.body.timezoneConfidence).toBeGreaterThan(0.9);
    // her evenings are read as evenings: the best hours are around 20:00 and 21:00 in Kolkata
    for (const h of res.body.bestHours) expect([19, 20, 21, 22]).toContain(h.hour);
    // the same events written in UTC say nothing of the zone: the tenant's default, UTC
    const utc = stamped('utc', '+05:30').map((e) => ({
      ...e,
      at: new Date(Date.parse(e.at)).toISOString(),
    }));
    await ingest(utc);
    expect((await activity('utc', '2026-11-22T12:00:00Z')).body).toMatchObject({ timezoneSource: 'default' });
  });

  it('counts every visit once when batches of the same users arrive at once', async () => {
    // six batches at once, each with every user; visits an hour apart, so each counts 1
    const start = Date.parse('2026-11-20T00:00:00Z');
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 8 }, (_, u) => ({
        id: `v${b}-${u}`,
        kind: 'message_in',
        userId: `same${u}`,
        characterId: 'aria',
        at: new Date(start + (b * 8 + u) * HOUR).toISOString(),
      })),
    );
    const results = await Promise.all(
      batches.map((events) => t.request({ method: 'POST', url: '/v1/events', payload: { events } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const nowMs = Date.parse('2026-11-23T12:00:00Z');
    for (let u = 0; u < 8; u++) {
      const ats = batches.map((batch) => Date.parse(batch[u]!.at));
      const body = (await activity(`same${u}`)).body;
      expect(body.evidence).toBeCloseTo(decayedCount(ats, nowMs), 2);
    }
  });

  it("keeps the model in the user's row, compact, and reads it back unchanged", async () => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: { timezone: 'Europe/Berlin' } });
    await ingest(daily('eve', [19, 20], 60));
    const first = (await activity('eve', '2026-11-24T19:30:00Z')).body;
    const { rows } = await sql<{ n: number; bytes: number }>`
      select count(*)::int as n, max(octet_length(activity))::int as bytes from users where user_id = 'eve'`.execute(
      t.server.engine.database.db,
    );
    expect(rows[0]).toMatchObject({ n: 1 });
    expect(rows[0]!.bytes).toBeLessThan(700);
    expect((await activity('eve', '2026-11-24T19:30:00Z')).body).toEqual(first);
  });

  it("draws the heatmap as an SVG picture, labelled, in the user's local time", async () => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: { timezone: 'Europe/Berlin' } });
    await ingest(daily('eve', [19, 20], 28));
    const res = await t.request({ method: 'GET', url: '/v1/users/eve/activity.svg?at=2026-11-24T19:30:00Z' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    const svg = res.body as string;
    expect(svg).toContain('<svg');
    expect(svg).toContain('Europe/Berlin');
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) expect(svg).toContain(`>${day}<`);
    expect((await t.request({ method: 'GET', url: '/v1/users/nobody/activity.svg' })).status).toBe(404);
  });

  it('rejects a bad ?at with 400 naming it', async () => {
    await t.request({ method: 'PATCH', url: '/v1/users/eve', payload: {} });
    const res = await activity('eve', 'noon');
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('query.at');
  });

  it('reads a history sent years after the fact as of its own time, not faded to the day it came', async () => {
    // two weeks of evenings in 2019, imported now: read as of the day after, it is the user's
    const ats = Array.from({ length: 14 }, (_, d) => Date.parse('2019-03-04T19:10:00Z') + d * DAY);
    await ingest(
      ats.map((at, i) => ({
        id: `old-${i}`,
        kind: 'message_in',
        userId: 'imported',
        characterId: 'aria',
        at: new Date(at).toISOString(),
      })),
    );
    const then = (await activity('imported', '2019-03-18T12:00:00Z')).body;
    expect(then.evidence).toBeCloseTo(decayedCount(ats, Date.parse('2019-03-18T12:00:00Z')), 1);
    expect(then.bestHours[0].hour).toBeGreaterThanOrEqual(18);
    expect(then.bestHours[0].hour).toBeLessThanOrEqual(21);
    // as of now, years later, the same history has faded: by half a year, for seven and a half years
    const now = (await activity('imported')).body;
    expect(now.evidence).toBeCloseTo(decayedCount(ats, Date.parse(now.at)), 2);
    expect(now.evidence).toBeLessThan(0.1);
  });

  it('reads the model at any instant of the calendar, however far before or after its events', async () => {
    await ingest(daily('eve', [19, 20], 14));
    // before the model's reference (its first event) it reads as at the reference: the weights
    // would otherwise double every half-life going back, to Infinity before about 1967
    const first = (await activity('eve', '0001-01-01T00:00:00Z')).body;
    expect(Number.isFinite(first.evidence)).toBe(true);
    for (const at of ['1966-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '2026-11-01T00:00:00Z']) {
      const res = await activity('eve', at);
      expect(res.status).toBe(200);
      expect(res.body.evidence).toBe(first.evidence);
      expect(res.body.heatmap).toEqual(first.heatmap);
      expect((await t.request({ method: 'GET', url: `/v1/users/eve/activity.svg?at=${at}` })).status).toBe(
        200,
      );
      expect(
        (await t.request({ method: 'GET', url: `/v1/users/eve/next-good-time?after=${at}` })).status,
      ).toBe(200);
    }
    // far after, the user's own evidence has faded away: the population's hours, without confidence
    const late = await activity('eve', '9999-12-31T23:59:59Z');
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ evidence: 0, confidence: 0 });
  });
});

describe.skipIf(!process.env.DATABASE_URL)('activity model under a race, on postgres', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer('postgres');
  });
  afterEach(async () => {
    await t.close();
  });
  const activity = (userId: string) => t.request({ method: 'GET', url: `/v1/users/${userId}/activity` });

  it('recomputes a model that another batch wrote between its read and its write', async () => {
    const ctx = t.server.engine.context;
    const at = (iso: string) => new Date(iso);
    const newEvent = (eventId: string, iso: string): NewEvent => ({
      userId: 'racer',
      eventId,
      characterId: 'aria',
      kind: 'message_in',
      name: null,
      at: at(iso),
      text: null,
      channel: null,
      meta: null,
      feedback: null,
    });
    const mine = newEvent('mine', '2026-11-22T18:00:00Z');
    const now = at('2026-11-23T12:00:00Z');
    await ctx.db.transaction().execute(async (trx) => {
      const prepared = (await prepareActivity(trx, ctx, 'default', [mine], now))!;
      // meanwhile another batch of the same user commits (it does not wait: nothing is locked yet)
      const other = await t.request({
        method: 'POST',
        url: '/v1/events',
        payload: {
          events: [
            {
              id: 'theirs',
              kind: 'message_in',
              userId: 'racer',
              characterId: 'aria',
              at: '2026-11-22T20:00:00Z',
            },
          ],
        },
      });
      expect(other.status).toBe(200);
      const written = await applyUserDeltas(trx, 'default', foldActivity([mine]).users, now, prepared.writes);
      expect(written.has('racer')).toBe(false);
      await prepared.finish(trx, written);
    });
    const body = (await activity('racer')).body;
    const expected = decayedCount(
      [Date.parse('2026-11-22T18:00:00Z'), Date.parse('2026-11-22T20:00:00Z')],
      now.getTime(),
    );
    expect(body.evidence).toBeCloseTo(expected, 2);
  });
});
