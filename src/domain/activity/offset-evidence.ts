/**
 * The UTC offsets written in a user's event timestamps (issue 19, item 2): `2026-11-23T21:05:00+01:00`
 * says the clock that stamped it was at UTC+1, the strongest evidence of a zone there is. Kept as
 * the few offsets seen most, each weighed by its events faded with the recent half-life, so that a
 * user who moved, or whose zone changed to summer time, is read at the offset of their recent
 * weeks. Zone inference takes it as a likelihood (`inferZone`'s `stamps`).
 */

/** Offsets kept per user: a traveller's few, not every one a misconfigured clock may write. */
const KEPT = 4;

export interface OffsetEvidence {
  /** The instant the weights are as of: the latest event that carried an offset (-Infinity: none yet). */
  atMs: number;
  /** Minutes east of UTC and their faded weight as of `atMs`, heaviest first. */
  entries: { minutes: number; weight: number }[];
}

export function emptyOffsetEvidence(): OffsetEvidence {
  return { atMs: Number.NEGATIVE_INFINITY, entries: [] };
}

/**
 * The offset a timestamp was written with, in minutes east of UTC, or null for `Z` and `+00:00`:
 * an offset of 0 is what servers write when they normalise times to UTC, so it says nothing of
 * the user (a London user in winter loses that evidence, not the model).
 */
export function offsetOfTimestamp(iso: string): number | null {
  const m = /([+-])(\d\d):?(\d\d)$/.exec(iso);
  if (!m) return null;
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return minutes === 0 ? null : minutes;
}

/**
 * Counts an event stamped at `minutes` at `atMs` with `weight` (the event's visit weight). Events
 * may come in any order: one older than the evidence is counted faded to it.
 */
export function observeOffset(
  evidence: OffsetEvidence,
  minutes: number,
  atMs: number,
  halfLifeMs: number,
  weight: number,
): void {
  let w = weight;
  if (atMs > evidence.atMs) {
    const fade = Number.isFinite(evidence.atMs) ? 2 ** (-(atMs - evidence.atMs) / halfLifeMs) : 0;
    for (const e of evidence.entries) e.weight *= fade;
    evidence.atMs = atMs;
  } else {
    w *= 2 ** (-(evidence.atMs - atMs) / halfLifeMs);
  }
  const entry = evidence.entries.find((e) => e.minutes === minutes);
  if (entry) entry.weight += w;
  else evidence.entries.push({ minutes, weight: w });
  evidence.entries.sort((a, b) => b.weight - a.weight || a.minutes - b.minutes);
  if (evidence.entries.length > KEPT) evidence.entries.length = KEPT;
}

/** The weights as of `atMs` (an instant before the evidence reads as at it, as histograms do). */
export function offsetWeightsAt(
  evidence: OffsetEvidence,
  atMs: number,
  halfLifeMs: number,
): Map<number, number> {
  const fade = 2 ** (-Math.max(0, atMs - evidence.atMs) / halfLifeMs);
  const out = new Map<number, number>();
  if (!Number.isFinite(evidence.atMs)) return out;
  for (const e of evidence.entries) if (e.weight * fade > 0) out.set(e.minutes, e.weight * fade);
  return out;
}
