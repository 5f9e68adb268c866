#!/usr/bin/env node
// The pure decision: decisions per second of `decide` on one core, over pairs in many zones with
// histories, pending occasions and the built-in kinds of trigger.
//
//   npm run bench:decide                 builds, then runs with the defaults
//   node bench/decide.mjs --help         every option
//
// Runs on the compiled code in dist/ (build first).
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOUR = 3_600_000;

const USAGE = `Usage: node bench/decide.mjs [options]

Builds --pairs decision states (users in 12 IANA zones, each with 0-6 proactive messages in the
last week, some mid-conversation, some with a pending webhook call (the weekday schedule fires by itself at 09:00 local), activity
models for most) and calls decide(state, triggers, policy, now) on them in turn with four
triggers (silence at a good time, active_now, schedule, webhook), advancing now by a minute a
pass. Prints the median decisions/s of --runs runs after a warm-up and what the decisions were.

Options:
  --pairs N      decision states (default 20000)
  --decisions N  decisions per run (default 1000000)
  --runs N       measured runs (default 5)
  --seed N       generator seed (default 7)`;

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '20000' },
    decisions: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { decide, activityView } = await dist('domain/decide/decide.js');
const { DEFAULT_POLICY } = await dist('domain/policy/policy.js');
const { ZoneCache, HOURS_PER_WEEK } = await dist('domain/shared/local-time.js');
const { seededRandom } = await dist('domain/shared/random.js');

const rng = seededRandom(Number(args.seed));
const ZONES = [
  'America/Chicago',
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Lagos',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'UTC',
];
const zones = new ZoneCache();
const START = Date.parse('2026-11-23T00:00:00Z');

const base = {
  enabled: true,
  characterIds: null,
  approval: 'auto',
  priority: 0,
  cooldownMinutes: 12 * 60,
  caps: { perDay: 1, perWeek: 3 },
  expiryMinutes: 24 * 60,
  atGoodTime: false,
  enabledAtMs: 0,
};
const triggers = [
  { ...base, id: 'idle-check-in', name: 'idle', spec: { kind: 'silence', afterHours: 24 }, atGoodTime: true },
  { ...base, id: 'active', name: 'active', spec: { kind: 'active_now', minScore: 0.8 }, priority: -1 },
  {
    ...base,
    id: 'standup',
    name: 'standup',
    spec: { kind: 'schedule', rule: { cron: '0 9 * * 1-5' }, zone: { kind: 'user' } },
    priority: 1,
  },
  { ...base, id: 'alert', name: 'alert', spec: { kind: 'webhook' }, priority: 5 },
];
const policy = { ...DEFAULT_POLICY, allowProactive: true };

function activity() {
  const peak = Math.floor(rng() * 24);
  const d = Float64Array.from(
    { length: HOURS_PER_WEEK },
    (_, h) => (Math.abs((h % 24) - peak) <= 2 ? 8 : 1) * (0.5 + rng()),
  );
  const sum = d.reduce((a, b) => a + b, 0);
  return activityView(d.map((x) => x / sum));
}

const states = Array.from({ length: Number(args.pairs) }, (_, i) => {
  const lastIn = START - Math.floor(rng() * 72 * HOUR);
  const acts = Array.from({ length: Math.floor(rng() * 7) }, () => ({
    atMs: START - Math.floor(rng() * 7 * 24 * HOUR),
    characterId: rng() < 0.7 ? 'luna' : 'max',
    triggerId: triggers[Math.floor(rng() * triggers.length)].id,
  }));
  const occasions = [];
  if (rng() < 0.2)
    occasions.push({ triggerId: 'alert', key: `w${i}`, atMs: START - HOUR, expiresAtMs: START + 48 * HOUR });
  return {
    characterId: 'luna',
    consent: rng() < 0.05 ? 'opted_out' : 'unknown',
    zone: zones.get(ZONES[i % ZONES.length]),
    zoneSource: rng() < 0.8 ? 'explicit' : 'default',
    trust: rng(),
    activity: rng() < 0.85 ? activity() : null,
    userLastInboundAtMs: lastIn,
    pairLastInboundAtMs: lastIn,
    pairLastContactAtMs: Math.max(lastIn, ...acts.map((a) => a.atMs)),
    acts,
    occasions,
    used: new Set(),
    zones,
  };
});

function run(n) {
  const counts = { send: 0, queue: 0, defer: 0, skip: 0 };
  let now = START + 12 * HOUR;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const idx = i % states.length;
    if (idx === 0) now += 60_000;
    counts[decide(states[idx], triggers, policy, now).action]++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perSecond: n / seconds, counts };
}

const n = Number(args.decisions);
run(Math.min(n, 200_000));
const results = Array.from({ length: Number(args.runs) }, () => run(n));
const rates = results.map((r) => r.perSecond).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
const c = results[0].counts;
console.log(
  `decide: ${n.toLocaleString('en')} decisions a run over ${states.length.toLocaleString('en')} pairs, ${rates.length} runs`,
);
console.log(
  `  decisions/s   median ${Math.round(median).toLocaleString('en')}  (runs: ${rates.map((r) => Math.round(r).toLocaleString('en')).join(', ')})`,
);
console.log(`  outcomes      send ${c.send}, queue ${c.queue}, defer ${c.defer}, skip ${c.skip} (first run)`);
console.log(
  `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`target >= 500,000 decisions/s on one core: ${median >= 500_000 ? 'met' : 'NOT met'}`);
