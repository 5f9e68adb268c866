import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { Clock } from '../ports/clock.js';

/** How stale a FileClock may be: the file is looked at (one stat) at most this often. */
export const FILE_CLOCK_REFRESH_MS = 20;

/**
 * A clock several processes share, for end-to-end tests: `now()` is the instant (ISO 8601) written
 * in a file, read again when the file changes (its inode, mtime or size; a stat at most every
 * 20 ms). Time stands still between writes, so leases and timeouts measured on it never lapse by
 * accident. `overture serve` uses one when `OVERTURE_TEST_CLOCK_FILE` is set; tests move it with
 * `setFileClock`.
 *
 * @example
 * setFileClock('/tmp/clock', '2026-11-10T15:00:00-06:00');
 * const clock = new FileClock('/tmp/clock'); // clock.now() is 2026-11-10T21:00:00.000Z
 */
export class FileClock implements Clock {
  readonly #path: string;
  #nowMs: number;
  #version: string;
  #checkedAt = Number.NEGATIVE_INFINITY;

  /** Throws when the file is missing or does not hold an instant: a test clock must be set first. */
  constructor(path: string) {
    this.#path = path;
    try {
      this.#version = versionOf(path);
    } catch (error) {
      throw new Error(`cannot read the test clock file ${path}: ${(error as Error).message}`);
    }
    this.#nowMs = readInstant(path);
    this.#checkedAt = performance.now();
  }

  now(): Date {
    const t = performance.now();
    if (t - this.#checkedAt >= FILE_CLOCK_REFRESH_MS) {
      this.#checkedAt = t;
      this.#refresh();
    }
    return new Date(this.#nowMs);
  }

  #refresh(): void {
    try {
      const version = versionOf(this.#path);
      if (version === this.#version) return;
      this.#nowMs = readInstant(this.#path);
      this.#version = version;
    } catch {
      // a file being replaced by hand, or removed: keep the last instant read and look again later
    }
  }
}

/**
 * Sets a FileClock's time: writes the instant to a temporary file beside `path` and renames it
 * over `path`, so a reader never sees half a write. Every FileClock on `path` shows it within
 * FILE_CLOCK_REFRESH_MS.
 */
export function setFileClock(path: string, instant: Date | string | number): Date {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) throw new Error(`setFileClock: not a date: ${String(instant)}`);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${at.toISOString()}\n`);
  renameSync(temp, path);
  return at;
}

function versionOf(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.mtimeNs}:${s.size}`;
}

function readInstant(path: string): number {
  const text = readFileSync(path, 'utf8').trim();
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new Error(`the test clock file ${path} does not hold an ISO 8601 instant: "${text}"`);
  return ms;
}
