import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { OvertureError } from './errors.js';
import { parseInput, recordParsed } from './issues.js';

const Body = z.strictObject({ name: z.string().min(1), tags: z.array(z.string()).default([]) });

describe('parseInput', () => {
  it('returns what the same schema produced as it is, without parsing it again', () => {
    const produced = Body.parse({ name: 'aria' });
    recordParsed(Body, produced);
    const parse = vi.spyOn(Body, 'safeParse');
    try {
      expect(parseInput(Body, produced)).toBe(produced);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('parses a value another schema produced, and a copy of a recorded one', () => {
    const Loose = z.object({ name: z.string() });
    const produced = Loose.parse({ name: '' });
    recordParsed(Loose, produced);
    expect(() => parseInput(Body, produced)).toThrow(OvertureError);
    const recorded = Body.parse({ name: 'aria' });
    recordParsed(Body, recorded);
    const copy = { ...recorded, extra: true };
    expect(() => parseInput(Body, copy)).toThrow(/extra is not a known field/);
  });

  it('reports every broken rule with its path, field and rule, under a prefix', () => {
    const error = (() => {
      try {
        parseInput(Body, { name: '', tags: [1] }, 'query');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(OvertureError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      message: 'query.name must not be empty (and 1 more)',
      issues: [
        { path: 'query.name', field: 'name', rule: 'must not be empty' },
        { path: 'query.tags[0]', index: 0, rule: 'must be a string' },
      ],
    });
  });

  it('records objects only: a primitive is parsed each time', () => {
    const Name = z.string().min(3);
    recordParsed(Name, 'ab');
    expect(() => parseInput(Name, 'ab')).toThrow(/must be at least 3 characters/);
  });
});
