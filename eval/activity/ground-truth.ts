/**
 * Ground-truth clock arithmetic for the simulation, written independently of the model's
 * `ZoneOffsets` (it asks `Intl` for the offset name of every UTC hour), so that a bug in the
 * model's zone handling shows up as an error instead of being shared by the truth.
 */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

const formats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** Minutes to add to UTC for local time in `zone` at `ms` (exact for whole-hour-aligned changes). */
export function trueOffsetMinutes(zone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR);
  const key = `${zone}@${hour}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formats.set(zone, format);
  }
  const name = format.formatToParts(new Date(hour * HOUR)).find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name ?? '');
  if (!match) throw new Error(`cannot read the UTC offset of ${zone} from "${name}"`);
  const minutes = match[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  offsets.set(key, minutes);
  return minutes;
}

/** Day of the week, Monday = 0, of a wall-clock time given as milliseconds read as local time. */
export function weekdayOf(localMs: number): number {
  return (((Math.floor(localMs / DAY) + 3) % 7) + 7) % 7;
}

/** Fractional hour of the day, in [0, 24), of a wall-clock time given as milliseconds. */
export function hourOfDayOf(localMs: number): number {
  return (((localMs % DAY) + DAY) % DAY) / HOUR;
}
