// Starting the service under test as a child process, and reading its memory and CPU from /proc.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node [nodeArgs] dist/cli/main.js serve` with `env`; keeps the last 64 KB of its output. */
export function startService({ entry, env, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, entry, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  return {
    pid: child.pid,
    isAlive: () => exited === null,
    exitStatus: () => exited,
    output: () => output,
    /** SIGTERM (graceful: lets --cpu-prof write its profile), SIGKILL after `graceMs`. */
    async stop(graceMs = 20_000) {
      if (exited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM), or null when unreadable. */
export function procMemory(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds consumed so far by a process, or null. */
export function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) from /proc/stat. */
export function machineCpuSeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND };
}

/** Samples a process's resident memory every `everyMs`; the interval is cleared by stop(). */
export function sampleRss(pid, everyMs = 200) {
  let peak = procMemory(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    const rss = procMemory(pid, 'VmRSS');
    if (rss !== null && rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = procMemory(pid, 'VmRSS');
      if (rss !== null && rss > peak) peak = rss;
      return peak;
    },
  };
}

/** Creates a fresh database on the local server; `drop()` removes it (forcing off any leftover sessions). */
export async function createScratchDatabase(serverUrl, name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: `${serverUrl}/${name}`,
    async query(text) {
      const client = new pg.Client({ connectionString: `${serverUrl}/${name}` });
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * CPU seconds used so far by each PostgreSQL server process, split into the backends serving
 * `database` and every other server process (WAL writer, checkpointer, other databases' sessions).
 * Reads /proc, so it sees the server only when it runs on this machine.
 */
export function postgresCpu(database) {
  const backends = new Map();
  const others = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.startsWith('postgres') && !cmdline.includes('/bin/postgres')) continue;
    const cpu = procCpuSeconds(Number(entry));
    if (cpu === null) continue;
    (cmdline.includes(` ${database} `) ? backends : others).set(entry, cpu);
  }
  return { backends, others };
}

/** CPU seconds used between two postgresCpu() snapshots (processes started in between count from 0). */
export function postgresCpuDelta(before, after) {
  const delta = (a, b) => [...b].reduce((sum, [pid, cpu]) => sum + cpu - (a.get(pid) ?? 0), 0);
  return { backends: delta(before.backends, after.backends), others: delta(before.others, after.others) };
}

/** Share of the machine's CPU busy over `ms` (0..1): to warn when something else is running. */
export async function backgroundLoad(ms = 1000) {
  const a = machineCpuSeconds();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineCpuSeconds();
  return (b.busy - a.busy) / (b.total - a.total);
}
