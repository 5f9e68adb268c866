#!/usr/bin/env node
// How long a bot waits for POST /v1/replies on PostgreSQL: the answer to "does a funnel take this
// message?", which a bot asks before answering every message.
//
//   npm run bench:replies                 builds, then runs with the defaults
//   node bench/replies.mjs --help         every option
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile, waitForHealth } from './lib/http-load.mjs';
import { createScratchDatabase, freePort, procCpuSeconds, startService } from './lib/service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const KEY = 'bench-admin-key-0123456789';

const USAGE = `Usage: node bench/replies.mjs [options]

Starts the engine (dist/cli/main.js serve) on a scratch PostgreSQL database and, through its API,
seeds --users users, each in a funnel whose two steps take any reply and lead to each other (so
every reply moves the run and queues the next step through the outbox: the heaviest answer), and
as many users in no funnel. The hooks go out on the stream channel (handed to the bot). Then it
times POST /v1/replies over keep-alive HTTP:
  in-funnel     --replies replies spread over the users in a funnel (each consumed, a step queued)
  no-funnel     --replies replies from users in none (passed through)
at each --concurrency (requests in flight at once), after --warmup untimed replies, and prints the
median, p95, p99 and largest latency, the replies per second and the engine's CPU time per reply.

Options:
  --users N            users in a funnel, and as many in none (default 1000)
  --replies N          timed replies per run (default 4000)
  --warmup N           untimed replies before each run (default 400)
  --concurrency LIST   requests in flight (default 1,4)
  --pg-server URL      PostgreSQL server without database name (default postgres://postgres@127.0.0.1:5432)
  --profile DIR        write the engine's CPU profile (node --cpu-prof) into DIR`;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    replies: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '1,4' },
    'pg-server': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    profile: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const USERS = Number(args.users);
const REPLIES = Number(args.replies);
const WARMUP = Number(args.warmup);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let base = '';

function call(method, path, body) {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolveCall, reject) => {
    const url = new URL(path, base);
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        headers: {
          authorization: `Bearer ${KEY}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode >= 300)
            reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
          else resolveCall(text === '' ? null : JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const funnelUser = (i) => `f${i}`;
const otherUser = (i) => `o${i}`;

async function seed() {
  await call('PUT', '/v1/policy', {
    allowProactive: true,
    quietHours: null,
    minGapMinutes: 0,
    midConversationMinutes: 0,
    userCaps: { perDay: 100, perWeek: 100 },
    characterCaps: { perDay: 100, perWeek: 100 },
    backoffAfterUnanswered: 100,
  });
  await call('PUT', '/v1/characters/luna', { name: 'Luna' });
  await call('PUT', '/v1/characters/luna/channels/stream', {});
  await call('POST', '/v1/funnels', {
    funnelId: 'chat',
    name: 'Chat',
    start: 'a',
    audience: { minEngagement: 'passive', cooldownHours: 0 },
    steps: [
      { stepId: 'a', text: 'What are you up to?', otherReply: 'advance', next: 'b', timeoutMinutes: 1440 },
      { stepId: 'b', text: 'And then?', otherReply: 'advance', next: 'a', timeoutMinutes: 1440 },
    ],
  });
  await call('POST', '/v1/triggers', {
    id: 'go',
    name: 'Go',
    spec: { kind: 'event', event: 'go' },
    cooldownMinutes: 0,
    funnel: { select: 'named', funnelId: 'chat' },
  });
  const at = new Date(Date.now() - 60_000).toISOString();
  for (let from = 0; from < USERS; from += 500) {
    const ids = Array.from({ length: Math.min(500, USERS - from) }, (_, k) => from + k);
    await call('POST', '/v1/events', {
      events: ids.flatMap((i) => [
        { id: 'hi', kind: 'message_in', userId: funnelUser(i), characterId: 'luna', at, text: 'hi' },
        { id: 'hi', kind: 'message_in', userId: otherUser(i), characterId: 'luna', at, text: 'hi' },
      ]),
    });
  }
  const now = () => new Date().toISOString();
  for (let from = 0; from < USERS; from += 500) {
    const ids = Array.from({ length: Math.min(500, USERS - from) }, (_, k) => from + k);
    await call('POST', '/v1/events', {
      events: ids.map((i) => ({
        id: 'go',
        kind: 'custom',
        name: 'go',
        userId: funnelUser(i),
        characterId: 'luna',
        at: now(),
      })),
    });
  }
  // the hooks decided, drafted and handed to the bot: every run started
  const deadline = Date.now() + 600_000;
  for (;;) {
    const day = 86_400_000;
    const q = `from=${new Date(Date.now() - day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`;
    const report = await call('GET', `/v1/reports/funnels?${q}`);
    const started = report.funnels[0]?.started ?? 0;
    if (started >= USERS) break;
    if (Date.now() > deadline) throw new Error(`only ${started} of ${USERS} runs started within 10 minutes`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let sent = 0;
async function timed(kind, count, concurrency) {
  const latencies = new Float64Array(count);
  let next = 0;
  let consumed = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const i = (sent + index) % USERS;
      const userId = kind === 'in-funnel' ? funnelUser(i) : otherUser(i);
      const t0 = process.hrtime.bigint();
      const answer = await call('POST', '/v1/replies', {
        userId,
        characterId: 'luna',
        text: `reply ${sent + index}`,
        messageId: `m-${sent + index}`,
      });
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (answer.consumed) consumed++;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sent += count;
  return { latencies, seconds, consumed };
}

const scratch = await createScratchDatabase(args['pg-server'], `bench_replies_${process.pid}`);
const port = await freePort();
base = `http://127.0.0.1:${port}`;
const service = startService({
  entry: ENTRY,
  nodeArgs: args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [],
  env: {
    DATABASE_URL: scratch.url,
    PORT: String(port),
    OVERTURE_ADMIN_KEY: KEY,
    LOG_LEVEL: 'warn',
    // one bot forwarding every message: more than the default per-key limit in a run
    OVERTURE_KEY_REQUESTS_PER_MINUTE: '1000000',
    OVERTURE_TENANT_REQUESTS_PER_MINUTE: '1000000',
  },
});
try {
  await waitForHealth(base, { isAlive: service.isAlive });
  const seedStart = Date.now();
  await seed();
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `seeded ${USERS} users in a funnel and ${USERS} in none in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  console.log(
    'run         concurrency  replies  consumed  median ms  p95 ms  p99 ms  max ms  replies/s  engine CPU ms/reply',
  );
  for (const kind of ['in-funnel', 'no-funnel'])
    for (const concurrency of args.concurrency.split(',').map(Number)) {
      await timed(kind, WARMUP, concurrency);
      const cpu0 = procCpuSeconds(service.pid);
      const r = await timed(kind, REPLIES, concurrency);
      const cpu = (procCpuSeconds(service.pid) - cpu0) * 1000;
      const row = [
        kind.padEnd(11),
        String(concurrency).padStart(11),
        String(REPLIES).padStart(8),
        String(r.consumed).padStart(9),
        percentile(r.latencies, 50).toFixed(2).padStart(10),
        percentile(r.latencies, 95).toFixed(2).padStart(7),
        percentile(r.latencies, 99).toFixed(2).padStart(7),
        Math.max(...r.latencies)
          .toFixed(2)
          .padStart(7),
        (REPLIES / r.seconds).toFixed(0).padStart(10),
        (cpu / REPLIES).toFixed(2).padStart(20),
      ];
      console.log(row.join(' '));
    }
} catch (error) {
  console.error(service.output().slice(-3000));
  throw error;
} finally {
  agent.destroy();
  await service.stop();
  await scratch.drop();
}
