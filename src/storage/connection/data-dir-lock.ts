import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * PGlite has no lock on its data directory: two processes writing one directory lose rows
 * silently. So the engine takes this lock (a file holding the owner's pid and host) before
 * opening the directory, and refuses to start a second writer. A lock left by a process that no
 * longer runs on this host is taken over.
 */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

interface DataDirLock {
  release(): void;
}

export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'overture.lock');
  const owner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && isAlive(holder)) {
        throw new DataDirLockedError(
          `the data directory ${dir} is in use by process ${holder.pid} on ${holder.host}; ` +
            'stop it first, or point OVERTURE_DATA_DIR elsewhere (PGlite allows one process per directory)',
        );
      }
      rmSync(path, { force: true }); // stale: its owner has exited
    }
  }
  throw new DataDirLockedError(`could not lock the data directory ${dir}: another process keeps taking it`);
}

function readHolder(path: string): { pid: number; host: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; host?: unknown };
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host };
    }
  } catch {
    // unreadable or half-written: treat as stale
  }
  return undefined;
}

function isAlive(holder: { pid: number; host: string }): boolean {
  if (holder.host !== hostname()) return true; // cannot check another host: assume it runs
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
