/**
 * The IANA zone the `given` mode tells the engine for a person, from the UTC offsets of their train
 * events. The data carries one offset per event, not a zone, so this is the guess a bot would make
 * from a client's reported offsets:
 *
 * 1. the person's most frequent offset is the primary;
 * 2. their DST partner is the most frequent offset exactly one hour away from it, if it holds at
 *    least 10% as many events as the primary (a real DST pair holds about 40%: five months of
 *    twelve; a lone trip or a UTC machine does not make one);
 * 3. a known pair names its zone (`DST_PAIRS`), else the primary alone names one (`SINGLE`), else
 *    a whole-hour primary is the fixed zone `Etc/GMT∓h`, else UTC.
 *
 * An offset of +00:00 next to +01:00 is taken as London, though some of those are people on UTC
 * machines (the README's "+00:00 question"): the engine will see what the bot would have said.
 */

/** Zones named by an unordered pair of offsets one hour apart (standard and summer time). */
const DST_PAIRS: Record<string, string> = {
  '+00:00 +01:00': 'Europe/London',
  '+01:00 +02:00': 'Europe/Berlin',
  '+02:00 +03:00': 'Europe/Helsinki',
  '+03:00 +04:00': 'Europe/Moscow', // summer time until 2011
  '+09:30 +10:30': 'Australia/Adelaide',
  '+10:00 +11:00': 'Australia/Sydney',
  '+12:00 +13:00': 'Pacific/Auckland',
  '-03:00 -02:00': 'America/Sao_Paulo', // summer time until 2019
  '-05:00 -04:00': 'America/New_York',
  '-06:00 -05:00': 'America/Chicago',
  '-07:00 -06:00': 'America/Denver',
  '-08:00 -07:00': 'America/Los_Angeles',
};

/** Zones named by one offset when no pair applies: the populous zone without summer time. */
const SINGLE: Record<string, string> = {
  '-03:00': 'America/Sao_Paulo',
  '+04:00': 'Asia/Dubai',
  '+05:00': 'Asia/Karachi',
  '+05:30': 'Asia/Kolkata',
  '+05:45': 'Asia/Kathmandu',
  '+06:00': 'Asia/Dhaka',
  '+06:30': 'Asia/Yangon',
  '+07:00': 'Asia/Bangkok',
  '+08:00': 'Asia/Shanghai',
  '+09:00': 'Asia/Tokyo',
  '+09:30': 'Australia/Darwin',
};

/** How a zone was chosen, for the run's summary. */
export type ZoneRule = 'dst_pair' | 'single' | 'fixed' | 'utc_fallback';

export interface ZoneChoice {
  zone: string;
  rule: ZoneRule;
  primary: string;
  partner: string | null;
}

/** Minutes east of UTC of an offset written `±hh:mm`. */
export function offsetMinutes(offset: string): number {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (!match) throw new Error(`not an offset: ${offset}`);
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The offset (`+01:00`) at the end of an ISO 8601 string with one; `Z` is `+00:00`. */
export function offsetOf(iso: string): string {
  if (iso.endsWith('Z')) return '+00:00';
  return iso.slice(-6);
}

/** Counts of each offset among ISO strings. */
export function countOffsets(isos: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const iso of isos) {
    const offset = offsetOf(iso);
    counts.set(offset, (counts.get(offset) ?? 0) + 1);
  }
  return counts;
}

/** Most frequent first; ties by offset, so the choice does not depend on the events' order. */
function ranked(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || offsetMinutes(a[0]) - offsetMinutes(b[0]));
}

const pairKey = (a: string, b: string) => (offsetMinutes(a) < offsetMinutes(b) ? `${a} ${b}` : `${b} ${a}`);

/** The zone for a person whose events carry these offsets (see the rules above). */
export function zoneForOffsets(counts: ReadonlyMap<string, number>): ZoneChoice {
  const order = ranked(counts);
  if (order.length === 0) return { zone: 'UTC', rule: 'utc_fallback', primary: '+00:00', partner: null };
  const [primary, primaryCount] = order[0]!;
  const minutes = offsetMinutes(primary);
  const partner = order.find(
    ([offset, count]) => Math.abs(offsetMinutes(offset) - minutes) === 60 && count >= 0.1 * primaryCount,
  )?.[0];
  const paired = partner ? DST_PAIRS[pairKey(primary, partner)] : undefined;
  if (paired) return { zone: paired, rule: 'dst_pair', primary, partner: partner! };
  const single = SINGLE[primary];
  if (single) return { zone: single, rule: 'single', primary, partner: partner ?? null };
  if (minutes % 60 === 0) {
    // Etc/GMT names count hours west of Greenwich: UTC+02:00 is Etc/GMT-2
    const hours = -minutes / 60;
    const zone = hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '+' : '-'}${Math.abs(hours)}`;
    return { zone, rule: 'fixed', primary, partner: partner ?? null };
  }
  return { zone: 'UTC', rule: 'utc_fallback', primary, partner: partner ?? null };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** A zone's UTC offset at an instant, as `±hh:mm` (from `Intl`'s `longOffset` name). */
export function zoneOffsetAt(zone: string, ms: number): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formats.set(zone, format);
  }
  const name = format.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}
