/**
 * Rules every input obeys whatever its schema, because PostgreSQL cannot store what breaks them.
 * Checked on the raw input, before its schema, so no field can forget them.
 */

/**
 * PostgreSQL refuses U+0000 in `text` and in `jsonb`, and an unpaired UTF-16 surrogate in `jsonb`
 * (in `text` it would become U+FFFD without a word): for every string, keys of objects included.
 */
export const STORABLE_TEXT_RULE = 'must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';

/**
 * Free-form JSON (an event's `meta`, a hook's `data`) is stored as `jsonb`, whose parser recurses:
 * about 5,000 levels exhaust PostgreSQL's stack (a 500). No request needs more than a few.
 */
export const MAX_NESTING = 64;
export const NESTING_RULE = `must not nest objects and arrays more than ${MAX_NESTING} levels deep`;

/** Where the input breaks a rule: the path to the value (or to the object whose key breaks it). */
export interface UnstorableInput {
  path: PropertyKey[];
  rule: string;
}

/** Any NUL or surrogate: cheap, and what nearly every string is not. */
const SUSPECT = /[\0\uD800-\uDFFF]/;
/** In `u` mode a paired surrogate is one code point; only an unpaired one is in category Cs. */
const UNSTORABLE = /[\0\p{Cs}]/u;
const storable = (text: string) => !SUSPECT.test(text) || !UNSTORABLE.test(text);

/** A place in the input: its parent's place and its key there (a linked path, so a deep value costs no copies). */
interface Place {
  parent: Place | undefined;
  key: PropertyKey;
  depth: number;
}

const pathOf = (place: Place | undefined): PropertyKey[] => {
  const path: PropertyKey[] = [];
  for (let p = place; p; p = p.parent) path.push(p.key);
  return path.reverse();
};

/**
 * Every place in `input` that breaks a rule, at most `limit`. Iterative and linear in the input's
 * size, however deep it is nested: it runs before anything else looks at a request. Strings are
 * tested where they are met, and only objects and arrays are stacked: about 1 ms for a batch of
 * 1,000 events.
 */
export function findUnstorableInput(input: unknown, limit = 20): UnstorableInput[] {
  const found: UnstorableInput[] = [];
  if (typeof input === 'string') return storable(input) ? found : [{ path: [], rule: STORABLE_TEXT_RULE }];
  const stack: Array<{ value: object; place: Place | undefined }> = [];
  if (typeof input === 'object' && input !== null) stack.push({ value: input, place: undefined });
  const visit = (child: unknown, place: Place | undefined, key: PropertyKey, depth: number) => {
    if (typeof child === 'string') {
      if (!storable(child))
        found.push({ path: pathOf({ parent: place, key, depth }), rule: STORABLE_TEXT_RULE });
    } else if (typeof child === 'object' && child !== null) {
      stack.push({ value: child, place: { parent: place, key, depth } });
    }
  };
  while (stack.length > 0 && found.length < limit) {
    const { value, place } = stack.pop()!;
    const depth = place?.depth ?? 0;
    if (depth >= MAX_NESTING) {
      found.push({ path: pathOf(place), rule: NESTING_RULE });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) visit(value[i], place, i, depth + 1);
    } else {
      const keys = Object.keys(value);
      let badKey = false;
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        if (storable(key)) visit((value as Record<string, unknown>)[key], place, key, depth + 1);
        else badKey = true;
      }
      if (badKey) found.push({ path: pathOf(place), rule: `keys ${STORABLE_TEXT_RULE}` });
    }
  }
  return found;
}
