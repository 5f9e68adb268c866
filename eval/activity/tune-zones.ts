/**
 * npx tsx eval/activity/tune-zones.ts
 *
 * Chooses the zone inference settings (temperature, the prior weight of offsets no user was
 * given, the confidence needed to use an inference) on the validation split (TUNE_SEED,
 * TUNE_WINDOW), by inferring every zone-less user's zone at the split from their whole decayed
 * UTC rhythm. The rule, fixed before looking at the results: the most users placed in the right
 * zone, among settings that place at most 2% of them wrongly.
 */
import { countsAt } from '../../src/domain/activity/histogram.js';
import { DEFAULT_PROFILE_PARAMS } from '../../src/domain/activity/profile.js';
import { DEFAULT_SHRINKAGE } from '../../src/domain/activity/shrinkage.js';
import { DEFAULT_VISIT_WEIGHTING } from '../../src/domain/activity/user-activity.js';
import { inferZone, ZONE_INFERENCE } from '../../src/domain/activity/zone-inference.js';
import { ZoneCache } from '../../src/domain/shared/local-time.js';
import { SCALES, TUNE_SEED, TUNE_USERS, TUNE_WINDOW } from './config.js';
import { trueOffsetMinutes } from './ground-truth.js';
import { replay } from './replay.js';
import { simulatePopulation, zoneAt } from './simulate.js';

const TEMPERATURES = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5];
const UNSEEN = [0.25, 1, 4];
const SHIFTED = [0, 0.1, 0.2, 0.4];
const THRESHOLDS = [0.6, 0.7, 0.8, 0.9, 0.95, 0.98];
const MAX_WRONG = 0.02;

const window = TUNE_WINDOW;
const users = simulatePopulation({ seed: TUNE_SEED, users: TUNE_USERS, window });
const r = replay(users, window, {
  scales: SCALES,
  params: DEFAULT_PROFILE_PARAMS,
  shrinkage: DEFAULT_SHRINKAGE,
  weighting: DEFAULT_VISIT_WEIGHTING,
});
const zones = new ZoneCache();
const known = r.givenZones.map((z) => ({
  ...z,
  offsetMinutes: zones.get(z.zone).offsetMinutes(window.splitMs),
}));
const zoneless = users.flatMap((u, i) => (u.zoneGiven ? [] : [i]));
console.log(
  `${zoneless.length} users with no zone given; a user counts as placed when the inference's confidence reaches the threshold`,
);

interface Row {
  shiftedShare: number;
  temperature: number;
  unseenUsers: number;
  minConfidence: number;
  right: number;
  near: number;
  wrong: number;
}
const rows: Row[] = [];
for (const shiftedShare of SHIFTED)
  for (const temperature of TEMPERATURES)
    for (const unseenUsers of UNSEEN) {
      const guesses = zoneless.map((i) => {
        const u = users[i]!;
        const settings = { ...ZONE_INFERENCE, temperature, unseenUsers, shiftedShare };
        const g = inferZone(
          countsAt(r.users[i]!.model.utc, window.splitMs, SCALES.longMs),
          r.population,
          known,
          settings,
        );
        return { g, truth: trueOffsetMinutes(zoneAt(u, window.splitMs), window.splitMs) };
      });
      for (const minConfidence of THRESHOLDS) {
        const row = { shiftedShare, temperature, unseenUsers, minConfidence, right: 0, near: 0, wrong: 0 };
        for (const { g, truth } of guesses) {
          if (!g || g.confidence < minConfidence) continue;
          const miss = Math.abs(g.offsetMinutes - truth);
          if (miss === 0) row.right++;
          else if (miss <= 60) row.near++;
          else row.wrong++;
        }
        rows.push(row);
      }
    }

const pct = (n: number) => `${((100 * n) / zoneless.length).toFixed(1)}%`;
const show = (x: Row) =>
  `shifted ${x.shiftedShare}  temperature ${x.temperature}  unseen ${x.unseenUsers}  threshold ${x.minConfidence}  |  placed right ${pct(x.right)}, within 1 h ${pct(x.near)}, wrong by more ${pct(x.wrong)}`;
const eligible = rows
  .filter((x) => (x.near + x.wrong) / zoneless.length <= MAX_WRONG)
  .sort((a, b) => b.right - a.right || a.near + a.wrong - (b.near + b.wrong));
console.log(`\nbest with at most ${100 * MAX_WRONG}% placed wrongly:`);
for (const x of eligible.slice(0, 8)) console.log(show(x));
console.log('\ncurrent settings:');
const current = rows.find(
  (x) =>
    x.shiftedShare === ZONE_INFERENCE.shiftedShare &&
    x.temperature === ZONE_INFERENCE.temperature &&
    x.unseenUsers === ZONE_INFERENCE.unseenUsers &&
    x.minConfidence === ZONE_INFERENCE.minConfidence,
);
if (current) console.log(show(current));
console.log('\nthe trade-off at unseen 1, by temperature and threshold:');
for (const x of rows.filter((x) => x.unseenUsers === 1 && x.temperature >= 0.2)) console.log(show(x));
