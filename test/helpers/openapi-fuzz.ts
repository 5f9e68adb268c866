import fc from 'fast-check';

/**
 * Malformed requests from an OpenAPI 3.1 document, for the API fuzz test: a value near what each
 * operation's schema accepts, then one thing wrong with it (a wrong type, a missing or extra
 * field, NUL or a lone surrogate, a huge number, a NaN-like string, deep nesting, a `__proto__`
 * key), with bad path ids and query parameters.
 */

type Schema = Record<string, any>;
export interface Operation {
  method: string;
  /** The path template, e.g. `/v1/users/{userId}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: Schema }>;
  body?: Schema;
}

/** A JSON token written as it is: numbers JSON.stringify cannot write (`1e999` parses to Infinity). */
class RawJson {
  constructor(readonly text: string) {}
}

export interface FuzzRequest {
  method: string;
  url: string;
  /** The JSON text, when there is a body. */
  payload?: string;
  /** What was done to it, for the failure message. */
  mutation: string;
}

export function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(methods)) {
      const params: Schema[] = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

const ID_PATTERN = '^[A-Za-z0-9._:@+|-]{1,128}$';
const INSTANTS = ['2026-11-23T18:00:00+01:00', '2026-11-22T09:30:00Z', '2026-11-30T12:00:00Z'];

/** Strings no field should take: each must be refused with a 400 naming the field, never a 5xx. */
export const HOSTILE_STRINGS = [
  'a\u0000b',
  '\u0000',
  'x\ud800',
  '\udc00y',
  'NaN',
  'Infinity',
  '-0',
  '1e999',
  '0x1F',
  '',
  ' ',
  '__proto__',
  'constructor',
  '9'.repeat(400),
  'x'.repeat(5000),
  '1900-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '../../etc/passwd',
  '😀',
  "'; drop table users; --",
];
const HOSTILE_NUMBERS = [
  new RawJson('1e999'),
  new RawJson('-1e999'),
  1e308,
  -1e308,
  2 ** 53 + 1,
  -1,
  0,
  1.5,
  5e-324,
];

/** Path segments, percent-encoded as sent: NUL, invalid UTF-8 (a surrogate's bytes), too long, traversal. */
const HOSTILE_SEGMENTS = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%FF',
  'x'.repeat(129),
  'x'.repeat(600),
  '..',
  '%2F',
  '%20',
  'NaN',
  '-1',
  '1e999',
  '%F0%9F%98%80',
  '__proto__',
  'constructor',
];

/** Valid-looking strings by field or parameter name: the seeded data's ids, so requests reach it. */
export type Pools = Record<string, string[]>;

function stringArb(schema: Schema, name: string, pools: Pools): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (pools[name]) return fc.constantFrom(...pools[name]!);
  if (schema.format === 'date-time') return fc.constantFrom(...INSTANTS);
  if (schema.pattern === ID_PATTERN) return fc.constantFrom('u1', 'aria', 'x-1');
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern), { size: 'xsmall' });
    } catch {
      return fc.constant('x');
    }
  }
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 20, 20));
  return fc.string({ minLength: min, maxLength: max });
}

/** A value near what `schema` accepts (named `name` in its parent, for the pools). */
export function valueArb(
  schema: Schema | undefined,
  doc: Schema,
  pools: Pools,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if (schema.$ref)
    return valueArb(doc.components.schemas[schema.$ref.split('/').at(-1)], doc, pools, name, depth + 1);
  if ('const' in schema) return fc.constant(schema.const);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((s: Schema) => valueArb(s, doc, pools, name, depth + 1)));
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'object': {
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {}))
        props[key] = valueArb(sub, doc, pools, key, depth + 1);
      if (Object.keys(props).length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc.record(props, { requiredKeys: schema.required ?? [] });
    }
    case 'array':
      return fc.array(valueArb(schema.items, doc, pools, name, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'string':
      return stringArb(schema, name, pools);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 1000, 1000) });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -5,
        max: Math.min(schema.maximum ?? 1000, 1000),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Every place in a value: objects and arrays (to add or remove a key) and leaves (to replace). */
function placesOf(
  value: unknown,
  path: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(path);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) placesOf(v, [...path, i], out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) placesOf(v, [...path, k], out);
  return out;
}

function getAt(value: unknown, path: Array<string | number>): unknown {
  return path.reduce<any>((v, k) => v?.[k], value);
}

function setAt(root: unknown, path: Array<string | number>, next: unknown): unknown {
  if (path.length === 0) return next;
  const parent = getAt(root, path.slice(0, -1)) as any;
  // defineProperty: a key `__proto__` becomes an own property, as JSON.parse would make it
  Object.defineProperty(parent, path.at(-1)!, {
    value: next,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return root;
}

const nested = (depth: number, leaf: unknown, asArray: boolean): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
};

/** One thing wrong with a value: described by `[kind, index into its places, index into the kind's choices]`. */
export const mutationArb = fc.tuple(
  fc.constantFrom(
    'wrong-type',
    'drop-key',
    'extra-key',
    'hostile-string',
    'hostile-key',
    'hostile-number',
    'deep',
    'proto-key',
    'constructor-prototype',
    'whole-body',
    'none',
  ),
  fc.nat(),
  fc.nat(),
);
export type Mutation = [string, number, number];

const WRONG_VALUES: unknown[] = [null, true, 0, 'x', [], {}, [1, 'a'], { x: 1 }];
const WHOLE_BODIES = [
  'null',
  '[]',
  '"x"',
  '1',
  '{',
  '{"a":}',
  '',
  '   ',
  'true',
  '{"a":1}{"b":2}',
  '[{"__proto__":{}}]',
];

/** The body's JSON text with the mutation applied. */
export function mutateBody(
  base: unknown,
  [kind, where, which]: Mutation,
): { text: string; description: string } {
  const value = structuredClone(base);
  if (kind === 'whole-body') {
    const text = WHOLE_BODIES[which % WHOLE_BODIES.length]!;
    return { text, description: `body ${JSON.stringify(text)}` };
  }
  const places = placesOf(value);
  const objects = places.filter((p) => {
    const v = getAt(value, p);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  });
  const place = places[where % places.length]!;
  const object = objects.length > 0 ? objects[where % objects.length]! : undefined;
  const at = (p: Array<string | number>) => p.join('.') || '(root)';
  switch (kind) {
    case 'wrong-type': {
      const wrong = WRONG_VALUES[which % WRONG_VALUES.length];
      return {
        text: toJson(setAt(value, place, wrong)),
        description: `${at(place)} = ${JSON.stringify(wrong)}`,
      };
    }
    case 'drop-key': {
      if (!object) break;
      const keys = Object.keys(getAt(value, object) as object);
      if (keys.length === 0) break;
      const key = keys[which % keys.length]!;
      delete (getAt(value, object) as any)[key];
      return { text: toJson(value), description: `without ${at([...object, key])}` };
    }
    case 'extra-key':
    case 'hostile-key':
    case 'proto-key':
    case 'constructor-prototype': {
      if (!object) break;
      const key =
        kind === 'extra-key'
          ? 'unexpectedField'
          : kind === 'hostile-key'
            ? ['k\u0000', '\ud800k'][which % 2]!
            : kind === 'proto-key'
              ? '__proto__'
              : 'constructor';
      const added = kind === 'constructor-prototype' ? { prototype: { polluted: true } } : { polluted: true };
      setAt(value, [...object, key], kind === 'extra-key' ? 1 : added);
      return { text: toJson(value), description: `${at(object)} gets key ${JSON.stringify(key)}` };
    }
    case 'hostile-string': {
      const s = HOSTILE_STRINGS[which % HOSTILE_STRINGS.length];
      return { text: toJson(setAt(value, place, s)), description: `${at(place)} = ${JSON.stringify(s)}` };
    }
    case 'hostile-number': {
      const n = HOSTILE_NUMBERS[which % HOSTILE_NUMBERS.length];
      const shown = n instanceof RawJson ? n.text : String(n);
      return { text: toJson(setAt(value, place, n)), description: `${at(place)} = ${shown}` };
    }
    case 'deep': {
      const deep = nested([20, 63, 70, 200][which % 4]!, 'x', which % 2 === 0);
      return { text: toJson(setAt(value, place, deep)), description: `${at(place)} nested deep` };
    }
  }
  return { text: toJson(value), description: 'as generated' };
}

/** JSON text of a value, writing RawJson tokens as they are and own `__proto__` keys as keys. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJson((value as any)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** A path parameter: one of the pool's (percent-encoded) or a hostile segment. */
export function segmentArb(name: string, pools: Pools): fc.Arbitrary<string> {
  const valid = (pools[name] ?? ['x']).map(encodeURIComponent);
  return fc.oneof(fc.constantFrom(...valid), fc.constantFrom(...HOSTILE_SEGMENTS));
}

/** A query string: each parameter absent, near-valid, or hostile; sometimes an unknown or repeated one. */
export function queryArb(params: Operation['query'], doc: Schema, pools: Pools): fc.Arbitrary<string> {
  const one = (p: Operation['query'][number]) =>
    fc.oneof(
      fc.constant(undefined),
      valueArb(p.schema, doc, pools, p.name).map((v) =>
        v === null || v === undefined ? undefined : String(v),
      ),
      fc.constantFrom(...HOSTILE_STRINGS),
    );
  return fc
    .tuple(
      fc.tuple(...params.map(one)),
      fc.constantFrom('', 'unknownParam=1', 'limit=1&limit=2', 'after=%00', 'before=%ED%A0%80'),
    )
    .map(([values, extra]) => {
      const parts = params.flatMap((p, i) =>
        values[i] === undefined ? [] : [`${p.name}=${percentEncode(values[i] as string)}`],
      );
      if (extra) parts.push(extra);
      return parts.length > 0 ? `?${parts.join('&')}` : '';
    });
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes its UTF-8-like bytes. */
function percentEncode(text: string): string {
  return [...text]
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(ch);
    })
    .join('');
}
