// The service with its PostgreSQL server frozen, then down: how long a request takes to answer
// while the server does not respond, what requests get and how many log lines are written while
// it is down, and how soon it serves again once the server is back. The engine reaches a scratch
// database through a TCP proxy (overture/testing's TcpProxy) that the benchmark pauses (a frozen
// server, a partition) and closes (a stopped server); the real server is never touched.
//
//   npm run build && node bench/database-down.mjs [--cap-ms 30000] [--down-s 4] [--rate 25]
//     [--connect-ms N] [--statement-ms N]   (the engine's database timeouts; default: its defaults)
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { createServer } from '../dist/index.js';
import { TcpProxy } from '../dist/testing/index.js';

const { values } = parseArgs({
  options: {
    'cap-ms': { type: 'string', default: '30000' },
    'down-s': { type: 'string', default: '4' },
    rate: { type: 'string', default: '25' },
    'connect-ms': { type: 'string' },
    'statement-ms': { type: 'string' },
  },
});
const CAP_MS = Number(values['cap-ms']);
const DOWN_S = Number(values['down-s']);
const RATE = Number(values.rate);
const SERVER = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';

/** Every log line the service writes, parsed, with the time it was written. */
const lines = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const text of chunk.toString().split('\n')) {
      if (!text) continue;
      const line = JSON.parse(text);
      lines.push({
        t: Date.now(),
        msg: line.msg,
        level: line.level,
        stack: JSON.stringify(line).includes('\\n    at '),
      });
    }
    done();
  },
});

const name = `bench_down_${process.pid}`;
const admin = new pg.Client(`${SERVER}/postgres`);
await admin.connect();
await admin.query(`drop database if exists ${name}`);
await admin.query(`create database ${name}`);
const target = new URL(SERVER);
const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
const adminKey = `ovk_bench_${randomBytes(16).toString('hex')}`;
const server = await createServer(
  {
    databaseUrl: proxy.urlFor(`${SERVER}/${name}`),
    port: 0,
    adminKey,
    logLevel: 'info',
    ...(values['connect-ms'] ? { databaseConnectTimeoutMs: Number(values['connect-ms']) } : {}),
    ...(values['statement-ms'] ? { databaseStatementTimeoutMs: Number(values['statement-ms']) } : {}),
  },
  { logger: pino({ level: 'info', base: { service: 'overture' } }, sink) },
);
const base = await server.listen();

let n = 0;
/** One request, given up after CAP_MS: status (or 'none'), ms, Retry-After, body. */
async function call(method, path, { key = adminKey, body } = {}) {
  const start = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(CAP_MS),
    });
    const text = await response.text();
    return {
      status: response.status,
      ms: performance.now() - start,
      retryAfter: response.headers.get('retry-after'),
      body: text,
    };
  } catch {
    return { status: 'none', ms: performance.now() - start, retryAfter: null, body: '' };
  }
}
const ingest = () =>
  call('POST', '/v1/events', {
    body: {
      events: [
        {
          id: `e${++n}`,
          kind: 'message_in',
          userId: `u${n % 20}`,
          characterId: 'aria',
          at: new Date().toISOString(),
        },
      ],
    },
  });
const show = (r) =>
  `${r.status === 'none' ? `no answer within ${CAP_MS} ms` : r.status} after ${Math.round(r.ms)} ms` +
  (r.retryAfter ? `, Retry-After: ${r.retryAfter}` : '');

function tally(items) {
  const counts = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

async function untilServing() {
  const start = performance.now();
  for (;;) {
    const r = await ingest();
    if (r.status === 200) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  console.log(
    `healthy: POST /v1/events ${show(await ingest())}; GET /health ${show(await call('GET', '/health', { key: null }))}`,
  );

  // Frozen: the proxy forwards nothing and takes new connections without passing them on.
  proxy.pause();
  const [hungIngest, hungHealth] = await Promise.all([ingest(), call('GET', '/health', { key: null })]);
  console.log(`frozen: POST /v1/events ${show(hungIngest)}`);
  console.log(`frozen: GET /health ${show(hungHealth)} ${hungHealth.body}`);
  proxy.resume();
  console.log(`frozen → resumed: serving again after ${Math.round(await untilServing())} ms`);

  // Down: nothing listens; RATE ingest requests a second for DOWN_S seconds.
  await proxy.down();
  const from = Date.now();
  const pending = [];
  for (let i = 0; i < RATE * DOWN_S; i++) {
    pending.push(ingest());
    await new Promise((resolve) => setTimeout(resolve, 1000 / RATE));
  }
  const answers = await Promise.all(pending);
  const to = Date.now();
  const health = await call('GET', '/health', { key: null });
  const healthWithKey = await call('GET', '/health');
  const during = lines.filter(
    (l) => l.t >= from && l.t <= to && l.msg !== 'incoming request' && l.msg !== 'request completed',
  );
  const statuses = tally(answers.map((a) => a.status));
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  console.log(
    `down: ${answers.length} POST /v1/events in ${((to - from) / 1000).toFixed(1)} s: statuses ${JSON.stringify(statuses)}, ` +
      `Retry-After on ${answers.filter((a) => a.retryAfter).length}, median ${Math.round(ms[ms.length >> 1])} ms, max ${Math.round(ms.at(-1))} ms`,
  );
  console.log(
    `down: ${during.length} log lines (${(during.length / ((to - from) / 1000)).toFixed(1)}/s; ${during.filter((l) => l.stack).length} with a stack), besides the request log: ` +
      JSON.stringify(tally(during.map((l) => l.msg))),
  );
  console.log(`down: GET /health without a key ${show(health)} ${health.body}`);
  console.log(`down: GET /health with a key ${show(healthWithKey)} ${healthWithKey.body}`);
  const back = Date.now();
  await proxy.up();
  console.log(`down → up: serving again after ${Math.round(await untilServing())} ms`);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = lines.filter(
    (l) => l.t >= back && l.msg !== 'incoming request' && l.msg !== 'request completed',
  );
  console.log(`up: log lines in the first 2 s: ${JSON.stringify(after.map((l) => l.msg))}`);
} finally {
  await server.close();
  await proxy.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
