#!/usr/bin/env node
// Drafting on PostgreSQL: suggestions composed per second by one engine's drafter, with the
// template composer and with a language model behind a local fake OpenAI-compatible server
// (so what is measured is Overture's side: claims, context, topic selection, guardrails, writes).
//
//   npm run build && node bench/drafting.mjs         the defaults
//   node bench/drafting.mjs --help                   every option
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createScratchDatabase } from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

const USAGE = `Usage: node bench/drafting.mjs [options]

Makes --users users, each with --facts facts and one message to the character, and one
suggestion each (an event trigger), decided by the scheduler. Then times the drafter composing
them all (runUntilIdle), first with the template composer, then again (new suggestions) with an
openai-compatible provider pointed at a local fake server answering at once. Prints drafts per
second, the engine's CPU per draft, and how the drafts ended.

Options:
  --users N        users, one suggestion each per phase (default 2000)
  --facts N        facts per user (default 10)
  --concurrency N  drafts composed at once (default 4, the engine's default)
  --pg-server URL  PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)`;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    facts: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const USERS = Number(args.users);
const FACTS = Number(args.facts);

const { createEngine } = await dist('index.js');
const { FakeClock, startFakeOpenAiServer } = await dist('testing/index.js');
const scratch = await createScratchDatabase(args['pg-server'], `bench_drafting_${process.pid}`);
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
const fake = await startFakeOpenAiServer({
  otherwise: () => ({ object: { message: 'Hi! How has your week been going?', topicId: null } }),
});
const clock = new FakeClock('2026-11-23T12:00:00Z');
try {
  const engine = await createEngine(
    {
      databaseUrl: scratch.url,
      logLevel: 'warn',
      scheduler: false,
      composeConcurrency: Number(args.concurrency),
      secretKey: 'a'.repeat(64),
    },
    { clock },
  );
  const tenant = engine.forTenant('default');
  await tenant.putPolicy({
    allowProactive: true,
    quietHours: null,
    minGapMinutes: 0,
    userCaps: { perDay: 10, perWeek: 10 },
    characterCaps: { perDay: 10, perWeek: 10 },
  });
  await tenant.createTrigger({
    id: 'ping',
    name: 'Ping',
    spec: { kind: 'event', event: 'ping' },
    cooldownMinutes: 0,
  });
  const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
  const iso = () => clock.now().toISOString();
  for (let i = 0; i < USERS; i += 1000) {
    const chunk = users.slice(i, i + 1000);
    await tenant.ingest(
      chunk.map((userId) => ({
        id: 'hi',
        kind: 'message_in',
        userId,
        characterId: 'luna',
        at: iso(),
        text: 'hi',
      })),
    );
  }
  for (const userId of users)
    for (let f = 0; f < FACTS; f++)
      await tenant.addFact(userId, {
        text: `Fact ${f} about ${userId}: likes hiking in the hills`,
        salience: (f % 10) / 10,
      });

  const phase = async (name, round) => {
    clock.advance({ minutes: 40 });
    for (let i = 0; i < USERS; i += 1000) {
      const chunk = users.slice(i, i + 1000);
      await tenant.ingest(
        chunk.map((userId) => ({
          id: `p${round}`,
          kind: 'custom',
          name: 'ping',
          userId,
          characterId: 'luna',
          at: iso(),
        })),
      );
    }
    const made = await engine.scheduler.runUntilIdle();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await engine.drafter.runUntilIdle();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / Math.max(1, r.claimed);
    console.log(
      `${name}: ${made.suggestions} suggestions, ${r.composed} composed, ${r.ended} ended, ${r.lost} lost in ${(ms / 1000).toFixed(2)} s: ` +
        `${Math.round((r.claimed / ms) * 1000).toLocaleString()} drafts/s, engine CPU ${Math.round(cpuUs)} µs a draft`,
    );
  };
  await phase('template', 1);
  await tenant.putLlmProvider(null, { kind: 'openai-compatible', baseUrl: fake.url, model: 'bench' });
  await phase('openai-compatible (fake server, instant answers)', 2);
  await engine.close();
} finally {
  await fake.close();
  await scratch.drop();
}
