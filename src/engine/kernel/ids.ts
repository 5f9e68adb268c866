import { randomBytes } from 'node:crypto';

/** 64 random bits per process and a counter: ids unique across instances without a random draw for each. */
const ID_PREFIX = randomBytes(8).toString('hex');
let idCount = 0;

/** An id that sorts by creation time (milliseconds in base 36), then by this process and a count. */
export function newId(prefix: string, nowMs: number): string {
  idCount = (idCount + 1) % 0x1000000;
  return `${prefix}_${nowMs.toString(36).padStart(9, '0')}${ID_PREFIX}${idCount.toString(16).padStart(6, '0')}`;
}
