import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('drops the least recently used entry past its capacity', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recent
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
    expect(map.size).toBe(2);
  });

  it('builds a missing entry once and keeps it, an undefined value included', () => {
    const map = new BoundedMap<string, number | undefined>(4);
    let made = 0;
    const make = () => {
      made += 1;
      return undefined;
    };
    map.getOrSet('x', make);
    map.getOrSet('x', make);
    expect(made).toBe(1);
    expect(map.getOrSet('y', () => 7)).toBe(7);
  });

  it('refuses a capacity that is not a whole number of at least one', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });

  it('never holds more than its capacity, and holds the most recent keys written', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 20 })),
        (capacity, keys) => {
          const map = new BoundedMap<number, number>(capacity);
          for (const key of keys) map.set(key, key);
          expect(map.size).toBeLessThanOrEqual(capacity);
          const recent = [...new Set([...keys].reverse())].slice(0, capacity);
          for (const key of recent) expect(map.get(key)).toBe(key);
        },
      ),
    );
  });
});
