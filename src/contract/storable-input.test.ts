import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './json-body.js';
import { findUnstorableInput, MAX_NESTING, NESTING_RULE, STORABLE_TEXT_RULE } from './storable-input.js';

describe('findUnstorableInput', () => {
  it('finds NUL and unpaired surrogates in values and keys at any depth, and passes paired ones', () => {
    const input = { a: ['ok', 'x\u0000'], b: { 'k\ud800': 1, c: '\udc00' }, emoji: '😀', n: 1 };
    expect(findUnstorableInput(input)).toEqual(
      expect.arrayContaining([
        { path: ['a', 1], rule: STORABLE_TEXT_RULE },
        { path: ['b'], rule: `keys ${STORABLE_TEXT_RULE}` },
        { path: ['b', 'c'], rule: STORABLE_TEXT_RULE },
      ]),
    );
    expect(findUnstorableInput(input)).toHaveLength(3);
    expect(findUnstorableInput('\ud83d\ude00 fine')).toEqual([]);
  });

  it('refuses nesting past the limit, at its path, without overflowing the stack however deep', () => {
    const nest = (depth: number) => {
      let deep: unknown = 1;
      for (let i = 0; i < depth; i++) deep = i % 2 ? [deep] : { a: deep };
      return deep;
    };
    expect(findUnstorableInput({ meta: nest(MAX_NESTING - 1) })).toEqual([]);
    const [issue] = findUnstorableInput({ meta: nest(MAX_NESTING) });
    expect(issue).toMatchObject({ rule: NESTING_RULE });
    expect(issue!.path).toHaveLength(MAX_NESTING);
    expect(findUnstorableInput(nest(1_000_000))).toHaveLength(1);
  });
});

describe('parseJsonBody', () => {
  it('names __proto__ and constructor.prototype keys where they are, escaped or not', () => {
    const issue = (text: string) => {
      try {
        parseJsonBody(text);
      } catch (error) {
        return (error as { issues?: unknown[] }).issues?.[0];
      }
    };
    expect(issue('{"a":[{"__proto__":{}}]}')).toMatchObject({ path: 'a[0].__proto__', field: '__proto__' });
    expect(issue('{"\\u005f\\u005fproto__":1}')).toMatchObject({ path: '__proto__' });
    expect(issue('{"b":{"constructor":{"prototype":{}}}}')).toMatchObject({
      path: 'b.constructor.prototype',
    });
    expect(parseJsonBody('{"constructor":"x","prototype":1}')).toEqual({ constructor: 'x', prototype: 1 });
  });
});
