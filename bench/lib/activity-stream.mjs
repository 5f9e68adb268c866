// Deterministic activity streams for the activity-model benchmark: many users in a handful of
// IANA zones, each with a daily rhythm in local time, events spread over months, as typed arrays
// built before any timing.
import { seededRandom } from './events.mjs';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * Ten zones with their share of users: DST in both hemispheres (New York, Los Angeles, London,
 * Berlin, Adelaide, St John's), none (Sao Paulo since 2019, Tokyo), and half and three-quarter
 * hour offsets (Kolkata +5:30, Kathmandu +5:45, Adelaide +9:30/+10:30, St John's -3:30/-2:30).
 */
export const ZONES = [
  ['America/New_York', 0.2],
  ['America/Los_Angeles', 0.1],
  ['America/Sao_Paulo', 0.1],
  ['Europe/London', 0.12],
  ['Europe/Berlin', 0.14],
  ['Asia/Kolkata', 0.12],
  ['Asia/Kathmandu', 0.03],
  ['Asia/Tokyo', 0.09],
  ['Australia/Adelaide', 0.05],
  ['America/St_Johns', 0.05],
];

/** Relative activity by local hour of the day, for a few kinds of user. */
const RHYTHMS = {
  evening: [
    0.6, 0.3, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.5, 0.5, 0.5, 0.6, 0.9, 0.7, 0.5, 0.5, 0.6, 0.9, 1.4, 2.2, 3,
    3.2, 2.6, 1.4,
  ],
  office: [
    0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.2, 2.4, 2.2, 1.4, 2, 2.3, 2.2, 1.9, 1.2, 0.7, 0.6, 0.6,
    0.5, 0.3, 0.2,
  ],
  morning: [
    0.1, 0.05, 0.05, 0.05, 0.2, 0.8, 2.2, 3, 2.6, 1.4, 0.8, 0.8, 1.6, 1.2, 0.6, 0.5, 0.5, 0.6, 0.8, 0.8, 0.6,
    0.4, 0.2, 0.1,
  ],
  night: [
    2.6, 2.4, 1.8, 1, 0.4, 0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.6, 0.6, 0.7, 0.8, 1, 1.2, 1.5,
    1.9, 2.3, 2.6,
  ],
};
const RHYTHM_NAMES = Object.keys(RHYTHMS);

/**
 * Builds the users and one stream of events in timestamp order.
 *
 * Users get a zone (shares above), a rhythm, a personal shift of -1 to +1 hours, a weekend
 * lie-in of 0 to 2 hours, a first day in the first 70% of the span (users keep joining) and a
 * lognormal activity level (a few heavy users, many light ones). Each event picks a user by
 * activity level, a day after that user's first, a local hour from the user's rhythm and a random
 * minute and second, and is converted to UTC with `zoneOf(name).offsetMinutes`.
 */
export function generateActivity({ users, events, startMs, days, seed, zoneOf }) {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pickCumulative = (cumulative, r) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const zoneCumulative = cumulativeOf(ZONES.map(([, share]) => share));
  const userZone = new Uint8Array(users);
  const userRhythm = new Uint8Array(users);
  const userFirstDay = new Int32Array(users);
  const tables = new Map(); // `${rhythm}/${shift}/${lieIn}` -> [weekday cumulative, weekend cumulative]
  const userTable = new Array(users);
  const level = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    userZone[u] = pickCumulative(zoneCumulative, random());
    userRhythm[u] = Math.floor(random() * RHYTHM_NAMES.length);
    const shift = Math.floor(random() * 3) - 1;
    const lieIn = Math.floor(random() * 3);
    userFirstDay[u] = Math.floor(random() * days * 0.7);
    level[u] = Math.exp(1.2 * normal());
    const key = `${userRhythm[u]}/${shift}/${lieIn}`;
    if (!tables.has(key)) {
      const base = RHYTHMS[RHYTHM_NAMES[userRhythm[u]]];
      const at = (h) => base[(((h - shift) % 24) + 24) % 24];
      tables.set(key, [
        cumulativeOf(Array.from({ length: 24 }, (_, h) => at(h))),
        cumulativeOf(Array.from({ length: 24 }, (_, h) => at(h - lieIn))),
      ]);
    }
    userTable[u] = tables.get(key);
  }
  // later joiners have fewer days to be active in: weigh the level by the days they are here
  const userCumulative = cumulativeOf(Array.from(level, (l, u) => l * (days - userFirstDay[u])));

  const user = new Int32Array(events);
  const at = new Float64Array(events);
  const zones = ZONES.map(([name]) => zoneOf(name));
  for (let i = 0; i < events; i++) {
    const u = pickCumulative(userCumulative, random());
    const day = userFirstDay[u] + Math.floor(random() * (days - userFirstDay[u]));
    const localMidnight = startMs + day * DAY; // startMs is a Monday 00:00 UTC, read as local
    const weekend = day % 7 >= 5;
    const hour = pickCumulative(userTable[u][weekend ? 1 : 0], random());
    const local = localMidnight + hour * HOUR + Math.floor(random() * HOUR);
    // two steps find the UTC instant of a local time, DST days included (a time in the spring
    // gap lands an hour off, as a real clock would show it)
    const zone = zones[userZone[u]];
    const guess = local - zone.offsetMinutes(local) * MINUTE;
    user[i] = u;
    at[i] = local - zone.offsetMinutes(guess) * MINUTE;
  }
  const order = sortedOrder(at);
  return {
    users: { zone: userZone, rhythm: userRhythm, rhythmNames: RHYTHM_NAMES },
    stream: permute({ user, at }, order),
  };
}

/**
 * The same events in arrival order when some arrive late: `lateShare` of them by up to
 * `lateMs`, and `offlineShare` (a client that was offline, then syncs) by up to `offlineMs`.
 */
export function arrivalOrder(stream, { seed, lateShare, lateMs, offlineShare, offlineMs }) {
  const random = seededRandom(seed);
  const arrival = new Float64Array(stream.at.length);
  for (let i = 0; i < arrival.length; i++) {
    const r = random();
    const delay =
      r < offlineShare ? random() * offlineMs : r < offlineShare + lateShare ? random() * lateMs : 0;
    arrival[i] = stream.at[i] + delay;
  }
  return permute(stream, sortedOrder(arrival));
}

/** Share of events older than an event that arrived before them. */
export function outOfOrderShare(stream) {
  let latest = Number.NEGATIVE_INFINITY;
  let late = 0;
  for (let i = 0; i < stream.at.length; i++) {
    if (stream.at[i] < latest) late++;
    else latest = stream.at[i];
  }
  return late / stream.at.length;
}

function cumulativeOf(weights) {
  const out = new Float64Array(weights.length);
  let total = 0;
  for (const w of weights) total += w;
  let run = 0;
  for (let i = 0; i < weights.length; i++) {
    run += weights[i] / total;
    out[i] = run;
  }
  out[out.length - 1] = 1;
  return out;
}

function sortedOrder(keys) {
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // a typed-array sort with a comparator is stable (ties keep generation order) and allocates little
  return order.sort((a, b) => keys[a] - keys[b]);
}

function permute({ user, at }, order) {
  const u = new Int32Array(order.length);
  const t = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) {
    u[i] = user[order[i]];
    t[i] = at[order[i]];
  }
  return { user: u, at: t };
}
