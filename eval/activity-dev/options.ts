/** What the activity-dev command lines share: where things are, and the check of a count option. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this evaluation belongs to, and whose engine it builds and starts. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The data folder beside the repository. */
export const DEFAULT_DATA_DIR = resolve(ROOT, '..', 'shared', 'data', 'activity-dev');
export const DEFAULT_PG_SERVER = 'postgres://postgres@127.0.0.1:5432';

/** The whole number an option gives, from 1 to `max`; anything else is an error naming the option. */
export function wholeNumber(name: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** The options every activity-dev command takes: which people, how they are sent, where things are. */
export const COMMON_OPTIONS = {
  users: { type: 'string' },
  concurrency: { type: 'string', default: '4' },
  batch: { type: 'string', default: '1000' },
  data: { type: 'string', default: DEFAULT_DATA_DIR },
  'pg-server': { type: 'string', default: DEFAULT_PG_SERVER },
  'keep-db': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/** Prints `usage` and exits when `--help` was given. */
export function helpIfAsked(values: { help?: boolean }, usage: string): void {
  if (!values.help) return;
  console.log(usage);
  process.exit(0);
}
