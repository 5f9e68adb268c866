import { describe, expect, it } from 'vitest';
import { drawWakingInstant, hasInstantIn, nextAtLocalHour } from '../eval/activity-dev/send-time-picks.js';
import { HIT_MS, type PersonPlan, scorePerson } from '../eval/activity-dev/send-time-plan.js';
import { hitRates } from '../eval/activity-dev/send-time-stats.js';
import { ZoneOffsets } from '../src/domain/shared/local-time.js';
import { seededRandom } from '../src/domain/shared/random.js';

// The pure parts of the send-time replay (eval/activity-dev/send-time.ts): the random waking
// pick, the most-common-hour pick and the hit counting. Pure code outside src/, tested here
// because vitest runs src/ and test/ only.

const QUIET = { startMinute: 22 * 60, endMinute: 8 * 60 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const berlin = new ZoneOffsets('Europe/Berlin');
const localHour = (zone: ZoneOffsets, ms: number) => new Date(zone.toLocal(ms)).getUTCHours();

describe('the random waking pick of the send-time replay', () => {
  it('draws only between 08:00 and 22:00 local, inside the window, over all of it', () => {
    const rng = seededRandom(7);
    const from = Date.parse('2026-03-28T21:30:00Z'); // Berlin's clocks go forward that night
    const hours = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const ms = drawWakingInstant(rng, berlin, QUIET, from, DAY);
      expect(ms).toBeGreaterThanOrEqual(from);
      expect(ms).toBeLessThan(from + DAY);
      const hour = localHour(berlin, ms);
      expect(hour).toBeGreaterThanOrEqual(8);
      expect(hour).toBeLessThan(22);
      hours.add(hour);
    }
    expect(hours.size).toBe(14);
  });

  it('is uniform over the waking instants: each waking hour gets about 1/14', () => {
    const rng = seededRandom(11);
    const from = Date.parse('2026-06-10T05:17:00Z');
    const counts = new Array<number>(24).fill(0);
    const n = 28_000;
    for (let i = 0; i < n; i++)
      counts[localHour(berlin, drawWakingInstant(rng, berlin, QUIET, from, DAY))]!++;
    for (let h = 8; h < 22; h++) expect(counts[h]! / n).toBeCloseTo(1 / 14, 2);
  });

  it('repeats with the same seed', () => {
    const from = Date.parse('2026-06-10T05:17:00Z');
    const draw = () => drawWakingInstant(seededRandom(3), berlin, QUIET, from, DAY);
    expect(draw()).toBe(draw());
  });
});

describe('the most-common-hour pick of the send-time replay', () => {
  it('is the instant itself inside that hour, else the next start of it, in local time', () => {
    const inside = Date.parse('2026-06-10T12:40:00+02:00');
    expect(nextAtLocalHour(berlin, inside, DAY, 12)).toBe(inside);
    expect(nextAtLocalHour(berlin, inside, DAY, 9)).toBe(Date.parse('2026-06-11T09:00:00+02:00'));
    expect(nextAtLocalHour(berlin, inside, DAY, 15)).toBe(Date.parse('2026-06-10T15:00:00+02:00'));
  });

  it('follows the clock across a DST change', () => {
    const evening = Date.parse('2026-03-28T20:00:00+01:00');
    expect(nextAtLocalHour(berlin, evening, DAY, 10)).toBe(Date.parse('2026-03-29T10:00:00+02:00'));
  });
});

describe('the hit counting of the send-time replay', () => {
  it('counts an event in [pick, pick + 2 h), the start included and the end not', () => {
    const events = [10 * HOUR, 20 * HOUR];
    expect(hasInstantIn(events, 10 * HOUR, 12 * HOUR)).toBe(true);
    expect(hasInstantIn(events, 8 * HOUR, 10 * HOUR)).toBe(false);
    expect(hasInstantIn(events, 10 * HOUR + 1, 12 * HOUR)).toBe(false);
    expect(hasInstantIn(events, 21 * HOUR, 23 * HOUR)).toBe(false);
    expect(hasInstantIn([], 0, HOUR)).toBe(false);
  });

  it("scores a person's instants: no pick is a miss, the random draws are averaged", () => {
    const plan: PersonPlan = {
      id: 'p',
      trainEvents: 150,
      tests: [10 * HOUR, 30 * HOUR],
      instants: [
        { atMs: 0, random: [9 * HOUR, 5 * HOUR, 10 * HOUR, 13 * HOUR], heuristic: 10 * HOUR - HIT_MS },
        { atMs: 20 * HOUR, random: [29 * HOUR, 29 * HOUR, 29 * HOUR, 29 * HOUR], heuristic: null },
      ],
    };
    const score = scorePerson(plan, [9 * HOUR, null]);
    expect(score.hits).toEqual({ engine: 1, heuristic: 0, random: 0.5 + 1 });
    expect(hitRates([score], 'macro')).toEqual({ engine: 0.5, heuristic: 0, random: 0.75 });
  });

  it('weighs each person once in macro rates and each instant once in micro rates', () => {
    const person = (instants: number, engine: number) => ({
      id: String(instants),
      trainEvents: 100,
      instants,
      hits: { engine, heuristic: 0, random: 1 },
    });
    const people = [person(2, 2), person(8, 0)];
    expect(hitRates(people, 'macro').engine).toBe(0.5);
    expect(hitRates(people, 'micro').engine).toBe(0.2);
  });
});
