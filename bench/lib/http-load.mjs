// Sends pre-serialised batches over real HTTP/1.1 keep-alive connections and times each one.
import http from 'node:http';

/** Only loopback targets: the benchmark never sends traffic off this machine. */
export function assertLoopback(base) {
  const url = new URL(base);
  if (url.protocol !== 'http:') throw new Error(`--url must be http://, got ${base}`);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`--url must point at this machine (127.0.0.1), got ${url.hostname}`);
  }
  return url;
}

function request(agent, url, { method, path, headers, body, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 80, method, path, headers },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET /health until it answers 200, up to `timeoutMs`. */
export async function waitForHealth(base, { timeoutMs = 60_000, isAlive = () => true } = {}) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: false });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('the service exited before it was healthy');
    try {
      const res = await request(agent, url, { method: 'GET', path: '/health', headers: {}, timeoutMs: 2000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${res.body.toString().slice(0, 200)}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service at ${base} not healthy after ${timeoutMs} ms: ${last}`);
}

const ACCEPTED = /"accepted":(\d+),"duplicates":(\d+)/;

/**
 * Sends every body once, over `concurrency` keep-alive connections, each connection sending its
 * next batch as soon as the previous one is answered. Returns per-batch latencies and counts.
 * The loop is bounded by the number of bodies; any non-200 answer stops the run.
 */
export async function sendBatches({ base, key, bodies, concurrency, timeoutMs = 120_000 }) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs = new Float64Array(bodies.length);
  let next = 0;
  let accepted = 0;
  let duplicates = 0;
  let bytesIn = 0;
  const started = process.hrtime.bigint();

  async function worker() {
    while (next < bodies.length) {
      const index = next++;
      const body = bodies[index];
      const t0 = process.hrtime.bigint();
      const res = await request(agent, url, {
        method: 'POST',
        path: '/v1/events',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
        body,
        timeoutMs,
      });
      latenciesMs[index] = Number(process.hrtime.bigint() - t0) / 1e6;
      bytesIn += res.body.length;
      if (res.status !== 200) {
        throw new Error(`batch ${index}: HTTP ${res.status} ${res.body.toString().slice(0, 500)}`);
      }
      // The counts lead the answer; reading them with a regex keeps the client's CPU use low.
      const match = ACCEPTED.exec(res.body.toString('latin1', 0, 200));
      if (!match) throw new Error(`batch ${index}: unexpected answer ${res.body.toString().slice(0, 200)}`);
      accepted += Number(match[1]);
      duplicates += Number(match[2]);
    }
  }

  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, latenciesMs, accepted, duplicates, bytesIn };
}

export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
