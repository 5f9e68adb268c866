import type { UserScores, ZoneCheck } from './evaluate.js';
import { CALIBRATION_BINS, Tally } from './metrics.js';
import { ARCHETYPES, type Archetype, type SimUser, zoneAt } from './simulate.js';

export interface CaseRow {
  name: string;
  model: Tally;
  baseline: Tally;
}

const CASE_NAMES: Record<Archetype, string> = {
  typical: 'typical (not a hard case)',
  evening: 'evening chatters',
  nine_to_five: '9-to-5 workers',
  night_owl: 'night owls',
  weekend_only: 'weekend-only',
  even_spread: 'even over many hours',
  shift_change: 'shift change halfway',
  traveller: 'travellers (zone changes)',
};

/** All users, then one row per behaviour, then the two cross-cutting cases (a user can be in several rows). */
export function caseRows(users: readonly SimUser[], scores: readonly UserScores[]): CaseRow[] {
  const row = (name: string, keep: (u: SimUser) => boolean): CaseRow => {
    const model = new Tally();
    const baseline = new Tally();
    users.forEach((u, i) => {
      if (!keep(u)) return;
      model.add(scores[i]!.model);
      baseline.add(scores[i]!.baseline);
    });
    return { name, model, baseline };
  };
  return [
    row('all users', () => true),
    ...ARCHETYPES.map((a) => row(CASE_NAMES[a], (u) => u.archetype === a)),
    row('handful of events', (u) => u.handful),
    row('no zone given', (u) => !u.zoneGiven),
  ];
}

const f = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
/** The better of two figures in bold. */
const pair = (m: number, b: number, digits: number, higherIsBetter: boolean) => {
  const modelBetter = higherIsBetter ? m > b : m < b;
  return modelBetter ? `**${f(m, digits)}** | ${f(b, digits)}` : `${f(m, digits)} | **${f(b, digits)}**`;
};

/**
 * How much of what could be won the model won: the truth's score (the best possible), and for
 * LL and Brier the share of the baseline-to-truth gap the model closes.
 */
export function oracleTable(rows: readonly CaseRow[], oracle: readonly CaseRow[]): string {
  const lines = [
    '| case | LL truth | LL model | LL base | LL gap closed | hit@3 truth | Brier truth | Brier model | Brier base | Brier gap closed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const closed = (model: number, base: number, truth: number) =>
    `${f((100 * (model - base)) / (truth - base), 0)}%`;
  rows.forEach((r, i) => {
    const o = oracle[i]!.model;
    lines.push(
      `| ${r.name} | ${f(o.meanLogLik, 3)} | ${f(r.model.meanLogLik, 3)} | ${f(r.baseline.meanLogLik, 3)} | ${closed(r.model.meanLogLik, r.baseline.meanLogLik, o.meanLogLik)} | ${f(o.hitAt3, 3)} | ${f(o.brierScore, 5)} | ${f(r.model.brierScore, 5)} | ${f(r.baseline.brierScore, 5)} | ${closed(r.model.brierScore, r.baseline.brierScore, o.brierScore)} |`,
    );
  });
  return lines.join('\n');
}

export function comparisonTable(rows: readonly CaseRow[]): string {
  const lines = [
    '| case | users | test events | LL model | LL base | hit@3 model | hit@3 base | Brier model | Brier base | ECE model | ECE base |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.model.users} | ${r.model.events} | ${pair(r.model.meanLogLik, r.baseline.meanLogLik, 3, true)} | ${pair(r.model.hitAt3, r.baseline.hitAt3, 3, true)} | ${pair(r.model.brierScore, r.baseline.brierScore, 5, false)} | ${pair(r.model.ece, r.baseline.ece, 4, false)} |`,
    );
  }
  return lines.join('\n');
}

export function goodTimeTable(rows: readonly CaseRow[]): string {
  const lines = [
    '| case | judged good, model | judged good, base | active when good, model | active when good, base | active hours judged good, model | active hours judged good, base |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${f(r.model.goodShare, 3)} | ${f(r.baseline.goodShare, 3)} | ${f(r.model.goodPrecision, 3)} | ${f(r.baseline.goodPrecision, 3)} | ${f(r.model.goodRecall, 3)} | ${f(r.baseline.goodRecall, 3)} |`,
    );
  }
  return lines.join('\n');
}

export function zoneTable(users: readonly SimUser[], checks: readonly (ZoneCheck | null)[]): string {
  interface Group {
    n: number;
    right: number;
    withinHour: number;
    usedRight: number;
    usedWrong: number;
    defaulted: number;
    freshRight: number;
  }
  const groups = new Map<string, Group>();
  const add = (key: string, c: ZoneCheck) => {
    let g = groups.get(key);
    if (!g) {
      g = { n: 0, right: 0, withinHour: 0, usedRight: 0, usedWrong: 0, defaulted: 0, freshRight: 0 };
      groups.set(key, g);
    }
    const right = c.inferredOffsetMinutes === c.trueOffsetMinutes;
    g.n++;
    if (right) g.right++;
    if (c.inferredOffsetMinutes !== null && Math.abs(c.inferredOffsetMinutes - c.trueOffsetMinutes) <= 60) {
      g.withinHour++;
    }
    if (c.freshOffsetMinutes === c.trueOffsetMinutes) g.freshRight++;
    if (c.source === 'inferred') {
      if (right) g.usedRight++;
      else g.usedWrong++;
    } else g.defaulted++;
  };
  users.forEach((u, i) => {
    const c = checks[i];
    if (!c) return;
    add('all users with no zone', c);
    add(`zone ${zoneAt(u, Number.POSITIVE_INFINITY)}`, c);
    add(CASE_NAMES[u.archetype], c);
    if (u.handful) add('handful of events', c);
  });
  const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(1)}%`;
  const lines = [
    '| group | users | inferred = true offset | within 1 h | confident (used) and right | confident (used) and wrong | not confident: default UTC | fresh inference = true |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rank = (k: string) => (k.startsWith('all') ? 0 : k.startsWith('zone') ? 2 : 1);
  const keys = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  for (const key of keys) {
    const g = groups.get(key)!;
    lines.push(
      `| ${key} | ${g.n} | ${pct(g.right, g.n)} | ${pct(g.withinHour, g.n)} | ${pct(g.usedRight, g.n)} | ${pct(g.usedWrong, g.n)} | ${pct(g.defaulted, g.n)} | ${pct(g.freshRight, g.n)} |`,
    );
  }
  return lines.join('\n');
}

/** Reliability diagram of the probability of activity per hour slot, as rows of bins. */
export function reliabilityTable(row: CaseRow): string {
  const lines = [
    '| predicted | slots, model | predicted, model | observed, model | slots, base | predicted, base | observed, base |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let low = 0;
  CALIBRATION_BINS.forEach((edge, b) => {
    const cell = (t: Tally) =>
      t.binSlots[b]! === 0
        ? '0 | | '
        : `${t.binSlots[b]!} | ${f(t.binPredicted[b]! / t.binSlots[b]!, 3)} | ${f(t.binActive[b]! / t.binSlots[b]!, 3)}`;
    lines.push(`| ${low}-${edge} | ${cell(row.model)} | ${cell(row.baseline)} |`);
    low = edge;
  });
  return lines.join('\n');
}
