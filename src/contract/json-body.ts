import { type InputIssue, OvertureError } from './errors.js';

/** `constructor.prototype` is refused with `__proto__`: both are how a JSON body reaches an object's prototype. */
const FORBIDDEN_KEY_RULE = 'is not allowed: a key that could reach an object prototype';

/**
 * Parses a request's JSON body, or throws `invalid_request` naming what is wrong: an empty body,
 * JSON that does not parse (with where, as the parser says), or a key `__proto__` (or
 * `constructor` holding `prototype`), at its path. Such keys were always refused (Fastify's
 * secure-json-parse); this says which key and where instead of "not valid JSON".
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '')
    throw invalidBody('must not be empty when Content-Type is application/json', 'body must not be empty');
  let value: unknown;
  try {
    // JSON.parse makes `__proto__` an own property and never changes a prototype: safe to inspect
    value = JSON.parse(text);
  } catch (error) {
    throw invalidBody(`must be valid JSON (${(error as Error).message})`, 'body is not valid JSON');
  }
  // without "proto" in the text or an escape that could spell it, neither key can be there
  if (/proto|\\u/.test(text)) {
    const forbidden = findForbiddenKey(value);
    if (forbidden) {
      const issue: InputIssue = {
        path: forbidden,
        field: forbidden.split('.').at(-1)!,
        rule: FORBIDDEN_KEY_RULE,
      };
      throw new OvertureError('invalid_request', `${forbidden} ${FORBIDDEN_KEY_RULE}`, [issue]);
    }
  }
  return value;
}

function invalidBody(rule: string, message: string): OvertureError {
  return new OvertureError('invalid_request', message, [{ path: 'body', rule }]);
}

/** A place in the body: its parent's place and its key (a linked path, so a deep body costs no copies). */
interface Place {
  parent: Place | undefined;
  key: string | number;
}

/** The path of the first `__proto__` or `constructor.prototype` key, e.g. `events[2].meta.__proto__`. */
function findForbiddenKey(root: unknown): string | undefined {
  const stack: Array<{ value: unknown; place: Place | undefined }> = [{ value: root, place: undefined }];
  while (stack.length > 0) {
    const { value, place } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) stack.push({ value: item, place: { parent: place, key: i } });
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) return pathText({ parent: place, key: '__proto__' });
    const ctor = (value as Record<string, unknown>).constructor;
    if (
      Object.hasOwn(value, 'constructor') &&
      typeof ctor === 'object' &&
      ctor !== null &&
      Object.hasOwn(ctor, 'prototype')
    )
      return pathText({ parent: { parent: place, key: 'constructor' }, key: 'prototype' });
    for (const [key, item] of Object.entries(value))
      stack.push({ value: item, place: { parent: place, key } });
  }
  return undefined;
}

function pathText(place: Place): string {
  const keys: Array<string | number> = [];
  for (let p: Place | undefined = place; p; p = p.parent) keys.push(p.key);
  return keys
    .reverse()
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}
