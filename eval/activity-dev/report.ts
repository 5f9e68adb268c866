/**
 * What a run prints besides the scores: which zones the bot gave and the engine used, and how
 * well each zone agrees with the offsets the authors' own machines wrote. Then the heatmap files
 * and the data folder's scorer (`baselines.mjs`), whose output is the evaluation's result.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DevUser } from './dataset.js';
import type { ActivityAnswer } from './engine.js';
import { offsetOf, type ZoneChoice, zoneOffsetAt } from './zones.js';

const HOUR_MS = 3_600_000;
const pct = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`);

function tally<T>(items: Iterable<T>): string {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${String(key)} ${count}`)
    .join(', ');
}

/** A zone's offset at an instant, cached per zone and UTC hour (offsets change on the hour or half). */
function offsetCache() {
  const cache = new Map<string, string>();
  return (zone: string, ms: number) => {
    const key = `${zone} ${Math.floor(ms / HOUR_MS)}`;
    let offset = cache.get(key);
    if (offset === undefined) {
      offset = zoneOffsetAt(zone, ms);
      cache.set(key, offset);
    }
    return offset;
  };
}

/**
 * Prints the zones: how the given ones were chosen, where the engine's answer came from, and for
 * each group the share of train events whose own offset equals the answered zone's at that instant.
 */
export function printZoneSummary(
  users: readonly DevUser[],
  given: ReadonlyMap<string, ZoneChoice>,
  answers: ReadonlyMap<string, ActivityAnswer>,
) {
  const offsetAt = offsetCache();
  if (given.size > 0) {
    console.log(`zones given: ${given.size} users; rule: ${tally([...given.values()].map((z) => z.rule))}`);
    console.log(
      `  most given: ${tally([...given.values()].map((z) => z.zone))
        .split(', ')
        .slice(0, 12)
        .join(', ')}`,
    );
  }
  const groups = new Map<string, { users: number; events: number; agree: number; mostlyAgree: number }>();
  let mismatched = 0;
  for (const user of users) {
    const answer = answers.get(user.id)!;
    const choice = given.get(user.id);
    if (choice && answer.timezone !== choice.zone) mismatched++;
    const group = groups.get(answer.timezoneSource) ?? { users: 0, events: 0, agree: 0, mostlyAgree: 0 };
    group.users++;
    let agree = 0;
    user.train.forEach((iso, index) => {
      if (offsetOf(iso) === offsetAt(answer.timezone, user.trainMs[index]!)) agree++;
    });
    group.events += user.train.length;
    group.agree += agree;
    if (2 * agree > user.train.length) group.mostlyAgree++;
    groups.set(answer.timezoneSource, group);
  }
  console.log(
    `zone source in the API's answers: ${tally(users.map((u) => answers.get(u.id)!.timezoneSource))}` +
      (given.size > 0 ? `; given zone not answered as set: ${mismatched}` : ''),
  );
  for (const [source, g] of groups) {
    console.log(
      `  ${source}: ${g.users} users; train events whose own offset is the zone's then: ${pct(g.agree, g.events)};` +
        ` users with most of their events so: ${pct(g.mostlyAgree, g.users)}`,
    );
  }
  const inferred = users.filter((u) => answers.get(u.id)!.timezoneSource === 'inferred');
  if (inferred.length > 0) {
    const zones = tally(inferred.map((u) => answers.get(u.id)!.timezone));
    console.log(`  inferred zones: ${zones.split(', ').slice(0, 12).join(', ')}`);
  }
}

/** The 7×24 heatmap as 168 numbers, Monday 00:00 first; refuses a shape or value the scorer would. */
export function flattenHeatmap(userId: string, heatmap: number[][]): number[] {
  const flat = heatmap.flat();
  if (heatmap.length !== 7 || flat.length !== 168 || flat.some((p) => !Number.isFinite(p) || p < 0))
    throw new Error(`user ${userId}: the heatmap is not 7 rows of 24 non-negative numbers`);
  return flat;
}

/** Writes a heatmaps file in the scorer's format; returns its path. */
export function writeHeatmaps(
  dir: string,
  name: string,
  meta: Record<string, unknown>,
  heatmaps: ReadonlyMap<string, number[]>,
): string {
  const file = join(dir, `heatmaps-${name}.json`);
  writeFileSync(file, JSON.stringify({ meta, heatmaps: Object.fromEntries(heatmaps) }));
  return file;
}

/** Runs the data folder's scorer with the given heatmap files, its output going to ours; returns seconds. */
export function runScorer(dataDir: string, externals: readonly [name: string, file: string][]): number {
  const args = [join(dataDir, 'baselines.mjs'), dataDir];
  for (const [name, file] of externals) args.push('--external', `${name}=${file}`);
  console.log(`$ node ${args.join(' ')}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`baselines.mjs failed with status ${result.status}`);
  return (performance.now() - started) / 1000;
}
