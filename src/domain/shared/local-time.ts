/** Hours in a week; hour-of-week 0 is Monday 00:00-01:00 local time, 167 is Sunday 23:00. */
export const HOURS_PER_WEEK = 168;
export const DAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const QUARTER = 15 * MINUTE;

/**
 * UTC offsets of one IANA zone, cached so that converting an instant costs two map lookups and
 * never calls `Intl` on the hot path. Offsets are cached per UTC day; the rare day on which the
 * offset changes (DST, or a zone's rule change) is resolved per quarter hour, which is exact for
 * every zone whose transitions fall on quarter hours (all of today's).
 */
export class ZoneOffsets {
  readonly #format: Intl.DateTimeFormat;
  readonly #days = new Map<number, number>();
  readonly #quarters = new Map<number, number>();
  /** The UTC day asked about last, as [from, until), and its offset: most lookups fall on it. */
  #lastFromMs = 0;
  #lastUntilMs = 0;
  #lastOffset = 0;

  constructor(readonly zone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Minutes to add to UTC to get local time at `ms`. */
  offsetMinutes(ms: number): number {
    if (ms >= this.#lastFromMs && ms < this.#lastUntilMs) return this.#lastOffset;
    const day = Math.floor(ms / DAY);
    let offset = this.#days.get(day);
    if (offset === undefined) {
      const start = this.#compute(day * DAY);
      offset = start === this.#compute(day * DAY + DAY - 1) ? start : Number.NaN;
      this.#days.set(day, offset);
    }
    if (!Number.isNaN(offset)) {
      this.#lastFromMs = day * DAY;
      this.#lastUntilMs = day * DAY + DAY;
      this.#lastOffset = offset;
      return offset;
    }
    const quarter = Math.floor(ms / QUARTER);
    let exact = this.#quarters.get(quarter);
    if (exact === undefined) {
      exact = this.#compute(quarter * QUARTER);
      this.#quarters.set(quarter, exact);
    }
    return exact;
  }

  /** Local hour of the week (0 = Monday 00:00) of the instant `ms`. */
  hourOfWeek(ms: number): number {
    return hourOfWeekAt(ms + this.offsetMinutes(ms) * MINUTE);
  }

  /** Milliseconds from `ms` to the start of the next local hour. */
  untilNextLocalHour(ms: number): number {
    const local = ms + this.offsetMinutes(ms) * MINUTE;
    return HOUR - mod(local, HOUR);
  }

  /** Milliseconds since the epoch read as local time: the wall clock at `ms`. */
  toLocal(ms: number): number {
    return ms + this.offsetMinutes(ms) * MINUTE;
  }

  /**
   * The instant at which the local wall clock reads `localMs`: the earlier of two in the hour a
   * clock goes back, and the end of the gap (the first instant after it) when the clock skips it,
   * as a cron entry for 02:30 on the night clocks go forward fires at 03:00.
   */
  toUtc(localMs: number): number {
    const before = this.offsetMinutes(localMs - 18 * HOUR);
    const after = this.offsetMinutes(localMs + 18 * HOUR);
    const early = localMs - Math.max(before, after) * MINUTE;
    const late = localMs - Math.min(before, after) * MINUTE;
    if (this.toLocal(early) === localMs) return early;
    if (this.toLocal(late) === localMs) return late;
    // in a gap: the first minute from which the clock has passed localMs
    let lo = early;
    let hi = late;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (this.toLocal(mid) >= localMs) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  #compute(ms: number): number {
    const parts = this.#format.formatToParts(new Date(ms));
    const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
    // not Date.UTC, which reads years 0 to 99 as 1900 to 1999
    const wall = new Date(0);
    wall.setUTCFullYear(get('year'), get('month') - 1, get('day'));
    wall.setUTCHours(get('hour'), get('minute'), get('second'));
    return Math.round((wall.getTime() - (ms - mod(ms, 1000))) / MINUTE);
  }
}

/** Hour of the week of a wall-clock time given as milliseconds since the epoch read as local time. */
export function hourOfWeekAt(localMs: number): number {
  // 1970-01-01 00:00 was a Thursday: hour 72 of a week that starts on Monday
  return mod(Math.floor(localMs / HOUR) + 72, HOURS_PER_WEEK);
}

/** Offset caches per zone; one per engine, so memory is bounded by the zones it meets. */
export class ZoneCache {
  readonly #zones = new Map<string, ZoneOffsets>();

  get(zone: string): ZoneOffsets {
    let offsets = this.#zones.get(zone);
    if (!offsets) {
      offsets = new ZoneOffsets(zone);
      this.#zones.set(zone, offsets);
    }
    return offsets;
  }
}

export function describeHourOfWeek(h: number): { day: (typeof DAY_NAMES)[number]; hour: number } {
  return { day: DAY_NAMES[Math.floor(h / 24)]!, hour: h % 24 };
}

/** `a` modulo `n` in [0, n). Not `%`, which V8 computes with a call on numbers beyond 32 bits (instants). */
function mod(a: number, n: number): number {
  return a - Math.floor(a / n) * n;
}
