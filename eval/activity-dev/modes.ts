/**
 * The zone modes: what the bot tells the engine about each person's time zone.
 * - `given`: the zone `zones.ts` maps from their train events' offsets, set before any event;
 *   the events keep the author's own offset.
 * - `none`: nothing; the events are sent as UTC (`Z`) strings of the same instants, and the engine
 *   reads them in a zone it infers, or in the tenant's default (UTC).
 * - `offsets`: no zone, but the events keep the author's own offset, as a bot that forwards its
 *   clients' timestamps sends them: the engine reads the zone from them (issue 19, item 2).
 * - `half`: `given` for the people whose id (a hex hash) ends with 0-7, `none` for the others.
 *   The last digit, not the first: `--users N` keeps the first N ids in sorted order, which share
 *   their first digits. The given half teaches the engine's population and its zone inference.
 */
import type { DevUser } from './dataset.js';
import { countOffsets, type ZoneChoice, zoneForOffsets } from './zones.js';

export const MODES = ['given', 'none', 'half', 'offsets'] as const;
export type Mode = (typeof MODES)[number];

/** Whether the bot gives this person's zone in this mode. */
export function zoneIsGiven(mode: Mode, userId: string): boolean {
  switch (mode) {
    case 'given':
      return true;
    case 'none':
    case 'offsets':
      return false;
    case 'half':
      return Number.parseInt(userId.at(-1)!, 16) < 8;
    default: {
      const unknown: never = mode;
      throw new Error(`unknown mode ${String(unknown)}`);
    }
  }
}

/** Whether the bot sends this person's events as UTC strings (else with the author's offset). */
export function sentAsUtc(mode: Mode, userId: string): boolean {
  return mode !== 'offsets' && !zoneIsGiven(mode, userId);
}

/** The zone the bot gives each person of `users` whose zone is given in `mode`. */
export function givenZones(mode: Mode, users: readonly DevUser[]): Map<string, ZoneChoice> {
  const zones = new Map<string, ZoneChoice>();
  for (const user of users)
    if (zoneIsGiven(mode, user.id)) zones.set(user.id, zoneForOffsets(countOffsets(user.train)));
  return zones;
}
