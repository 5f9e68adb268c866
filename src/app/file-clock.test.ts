import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FILE_CLOCK_REFRESH_MS, FileClock, setFileClock } from './file-clock.js';

describe('FileClock', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-clock-'));
    path = join(dir, 'clock');
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the instant written in the file, which stands still until the file changes', () => {
    setFileClock(path, '2026-11-10T15:00:00-06:00');
    const clock = new FileClock(path);
    expect(clock.now().toISOString()).toBe('2026-11-10T21:00:00.000Z');
    vi.advanceTimersByTime(5 * FILE_CLOCK_REFRESH_MS);
    expect(clock.now().toISOString()).toBe('2026-11-10T21:00:00.000Z');
  });

  it('sees a new instant once its refresh interval has passed, not before', () => {
    setFileClock(path, '2026-11-10T21:00:00Z');
    const clock = new FileClock(path);
    setFileClock(path, '2026-11-11T03:30:00Z');
    expect(clock.now().toISOString()).toBe('2026-11-10T21:00:00.000Z');
    vi.advanceTimersByTime(FILE_CLOCK_REFRESH_MS);
    expect(clock.now().toISOString()).toBe('2026-11-11T03:30:00.000Z');
    // moving back works too: the clock is whatever the file says
    setFileClock(path, '2026-11-10T22:00:00Z');
    vi.advanceTimersByTime(FILE_CLOCK_REFRESH_MS);
    expect(clock.now().toISOString()).toBe('2026-11-10T22:00:00.000Z');
  });

  it('keeps the last instant while the file holds no date, and refuses to start on one', () => {
    setFileClock(path, '2026-11-10T21:00:00Z');
    const clock = new FileClock(path);
    writeFileSync(path, 'soon');
    vi.advanceTimersByTime(FILE_CLOCK_REFRESH_MS);
    expect(clock.now().toISOString()).toBe('2026-11-10T21:00:00.000Z');
    expect(() => new FileClock(path)).toThrow(/does not hold an ISO 8601 instant: "soon"/);
    expect(() => new FileClock(join(dir, 'missing'))).toThrow(/cannot read the test clock file/);
  });

  it('writes atomically, leaving no temporary file behind', () => {
    setFileClock(path, new Date('2026-11-10T21:00:00Z'));
    setFileClock(path, Date.parse('2026-11-10T21:15:00Z'));
    expect(readdirSync(dir)).toEqual(['clock']);
    expect(() => setFileClock(path, 'never')).toThrow(/not a date/);
  });
});
