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
