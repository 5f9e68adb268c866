/**
 * The send-time replay's figures: hit rates of the three pickers, macro (each person's rate,
 * averaged) and micro (hits over instants, pooled), and their ratios with a 95% interval from a
 * bootstrap over people (people resampled with replacement, the percentile interval), since a
 * person's instants share their habits and are not independent draws.
 */
import type { Random } from '../../src/domain/shared/random.js';

export const PICKERS = ['engine', 'heuristic', 'random'] as const;
export type Picker = (typeof PICKERS)[number];

/** One person's tally; `random` may be fractional (the mean over several draws per instant). */
export interface PersonScore {
  id: string;
  trainEvents: number;
  instants: number;
  hits: Record<Picker, number>;
}

/** The tiers of `baselines.mjs`, by number of train events. */
export const TIERS = [
  { name: '0-99', lo: 0, hi: 100 },
  { name: '100-399', lo: 100, hi: 400 },
  { name: '>=400', lo: 400, hi: Number.POSITIVE_INFINITY },
] as const;

export function tierOf(trainEvents: number): string {
  return TIERS.find((t) => trainEvents >= t.lo && trainEvents < t.hi)!.name;
}

export type Rates = Record<Picker, number>;

/** Hit rates of a group: macro, the mean of each person's rate; micro, pooled over instants. */
export function hitRates(people: readonly PersonScore[], kind: 'macro' | 'micro'): Rates {
  const rates = {} as Rates;
  for (const picker of PICKERS) {
    if (kind === 'macro') {
      rates[picker] = people.reduce((sum, p) => sum + p.hits[picker] / p.instants, 0) / people.length;
    } else {
      const hits = people.reduce((sum, p) => sum + p.hits[picker], 0);
      rates[picker] = hits / people.reduce((sum, p) => sum + p.instants, 0);
    }
  }
  return rates;
}

/** A figure and its 95% bootstrap interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

export interface Summary {
  people: number;
  instants: number;
  rates: Record<Picker, Estimate>;
  engineOverRandom: Estimate;
  heuristicOverRandom: Estimate;
  engineOverHeuristic: Estimate;
}

const ratios = (r: Rates) => [r.engine / r.random, r.heuristic / r.random, r.engine / r.heuristic] as const;

/** The value at quantile `q` of sorted numbers, interpolated between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The group's rates and ratios, each with its interval from `resamples` resamples of its people. */
export function summarise(
  people: readonly PersonScore[],
  kind: 'macro' | 'micro',
  rng: Random,
  resamples: number,
): Summary {
  const point = hitRates(people, kind);
  const draws: number[][] = Array.from({ length: 6 }, () => []);
  for (let b = 0; b < resamples; b++) {
    const sample = Array.from({ length: people.length }, () => people[Math.floor(rng() * people.length)]!);
    const r = hitRates(sample, kind);
    [r.engine, r.heuristic, r.random, ...ratios(r)].forEach((x, i) => {
      draws[i]!.push(x);
    });
  }
  const estimate = (value: number, i: number): Estimate => {
    const sorted = draws[i]!.sort((a, b) => a - b);
    return { value, low: quantile(sorted, 0.025), high: quantile(sorted, 0.975) };
  };
  const [er, hr, eh] = ratios(point);
  return {
    people: people.length,
    instants: people.reduce((sum, p) => sum + p.instants, 0),
    rates: {
      engine: estimate(point.engine, 0),
      heuristic: estimate(point.heuristic, 1),
      random: estimate(point.random, 2),
    },
    engineOverRandom: estimate(er, 3),
    heuristicOverRandom: estimate(hr, 4),
    engineOverHeuristic: estimate(eh, 5),
  };
}

const pct = (e: Estimate) =>
  `${(100 * e.value).toFixed(1)}% [${(100 * e.low).toFixed(1)}, ${(100 * e.high).toFixed(1)}]`;
const times = (e: Estimate) => `${e.value.toFixed(2)}× [${e.low.toFixed(2)}, ${e.high.toFixed(2)}]`;

/** The summaries as one Markdown table, a row each. */
export function markdownTable(rows: readonly [label: string, summary: Summary][]): string {
  const lines = [
    '| group | people | instants | engine hit | most-common-hour hit | random waking hit | engine / random | heuristic / random | engine / heuristic |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [label, s] of rows) {
    lines.push(
      `| ${label} | ${s.people} | ${s.instants} | ${pct(s.rates.engine)} | ${pct(s.rates.heuristic)} | ` +
        `${pct(s.rates.random)} | ${times(s.engineOverRandom)} | ${times(s.heuristicOverRandom)} | ` +
        `${times(s.engineOverHeuristic)} |`,
    );
  }
  return lines.join('\n');
}
