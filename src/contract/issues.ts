import type { z } from 'zod';
import { type InputIssue, OvertureError } from './errors.js';
import { findUnstorableInput } from './storable-input.js';

/**
 * Turns zod's issues into ours: a path such as `events[3].at`, the batch index and field, and the
 * rule in plain words. Used by the API's validator and by the library's entry points alike.
 */
export function toInputIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): InputIssue[] {
  const out: InputIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(describe([...issue.path, key], 'is not a known field', prefix));
    } else if (issue.code === 'invalid_key') {
      // a record's key broke the key schema's rule: report that rule, on the key's path
      out.push(describe(issue.path, `key ${issue.issues[0]?.message ?? 'is not allowed'}`, prefix));
    } else {
      out.push(describe(issue.path, issue.message, prefix));
    }
  }
  return out;
}

/** Raises `invalid_request` listing every issue; the message names the first. */
export function invalidInput(issues: InputIssue[]): OvertureError {
  const [first] = issues;
  const head = first ? `${first.path ? `${first.path} ` : ''}${first.rule}` : 'invalid input';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new OvertureError('invalid_request', `${head}${more}`, issues);
}

/**
 * Objects a schema produced, by the schema that produced them. The API validates a request, then
 * its route calls the use case, which parses its input too: with this, a batch of 1,000 events is
 * checked once. A second parse would cost about 1.5 ms (measured with `EventBatch.parse`) of the
 * service's 30 ms of CPU per batch (docs/BENCHMARKS.md).
 */
const parsedBy = new WeakMap<object, z.ZodType>();

/** Records that `schema` produced `value`, so that `parseInput(schema, value)` returns it as it is. */
export function recordParsed(schema: z.ZodType, value: unknown): void {
  if (typeof value === 'object' && value !== null) parsedBy.set(value, schema);
}

/**
 * Parses with a schema, or throws `invalid_request` naming every broken rule. A value this schema
 * produced already (`recordParsed`) is returned as it is: it is the schema's output.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  if (typeof input === 'object' && input !== null && parsedBy.get(input) === schema)
    return input as z.output<S>;
  const result = checkInput(schema, input, prefix);
  if (result.ok) return result.value;
  throw invalidInput(result.issues);
}

/**
 * The input's schema after the rules every input obeys (storable-input.ts): the API's validator and
 * `parseInput` both check through here, so no route and no library call skips it.
 */
export function checkInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = '',
): { ok: true; value: z.output<S> } | { ok: false; issues: InputIssue[] } {
  const unstorable = findUnstorableInput(input);
  if (unstorable.length > 0)
    return { ok: false, issues: unstorable.map(({ path, rule }) => describe(path, rule, prefix)) };
  const result = schema.safeParse(input, { error: ruleOfRaw });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: toInputIssues(result.error.issues, prefix) };
}

function describe(path: readonly PropertyKey[], rule: string, prefix: string): InputIssue {
  let text = prefix;
  let index: number | undefined;
  for (const part of path) {
    if (typeof part === 'number') {
      text += `[${part}]`;
      index ??= part;
    } else {
      text += text ? `.${String(part)}` : String(part);
    }
  }
  const last = path.at(-1);
  return {
    // the input as a whole: a request's body, or the object a library call takes
    path: text || 'body',
    ...(index !== undefined ? { index } : {}),
    ...(typeof last === 'string' ? { field: last } : {}),
    rule,
  };
}

/** Plain-words rules for zod's built-in checks; messages set on a schema win over these. */
export function ruleOfRaw(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${article(issue.expected)}`;
    case 'too_big':
      return bound('at most', issue.origin, issue.maximum);
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return bound('at least', issue.origin, issue.minimum);
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

function bound(word: string, origin: string, limit: number | bigint): string {
  switch (origin) {
    case 'string':
      return `must be ${word} ${limit} characters`;
    case 'array':
    case 'set':
      return `must contain ${word} ${limit} items`;
    default:
      return `must be ${word} ${limit}`;
  }
}

function article(type: string): string {
  if (type === 'object' || type === 'record') return 'an object';
  if (type === 'array') return 'an array';
  return `a ${type}`;
}
