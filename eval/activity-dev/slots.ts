/** What the offline activity-dev scripts (`ablate.ts`, `zones-em.ts`) fit each person on. */
import { countsAt, emptyHistogram, observe } from '../../src/domain/activity/histogram.js';
import { eventWeight } from '../../src/domain/activity/user-activity.js';
import { hourOfWeekAt } from '../../src/domain/shared/local-time.js';

/** An event as a histogram sees it: its instant and its hour of the week (Monday 00:00 = 0). */
export interface Seen {
  atMs: number;
  slot: number;
}

/** The hour of the week of the wall clock an ISO timestamp was written with, at its own offset. */
export function wallSlot(iso: string): number {
  return hourOfWeekAt(Date.parse(`${iso.slice(0, 19)}Z`));
}

/** The events' counts by slot as of `atMs`, faded with `halfLifeMs`, each weighed as a visit's part. */
export function decayedCounts(events: readonly Seen[], halfLifeMs: number, atMs: number): Float64Array {
  const h = emptyHistogram(events[0]?.atMs ?? atMs);
  let last = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    observe(h, e.slot, e.atMs, halfLifeMs, eventWeight(last, e.atMs));
    last = e.atMs;
  }
  return countsAt(h, atMs, halfLifeMs);
}
