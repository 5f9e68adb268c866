import { z } from 'zod';
import { Id, Instant, rule, Text } from './common.js';

const optionalText = (max: number) =>
  z
    .string({ error: `must be a string of at most ${max} characters` })
    .trim()
    .max(max)
    .optional();
const LABEL_RULE = '1-64 lowercase letters, digits, _ or -, starting with a letter';
const Label = z.string({ error: rule(`must be ${LABEL_RULE}`) }).regex(/^[a-z][a-z0-9_-]{0,63}$/, {
  error: `must be ${LABEL_RULE}`,
});
const Salience = z
  .number({ error: 'must be a number from 0 to 1' })
  .min(0, { error: 'must be a number from 0 to 1' })
  .max(1, { error: 'must be a number from 0 to 1' })
  .default(0.5)
  .meta({ description: 'How much it matters to the user, 0 to 1 (default 0.5)' });
const Shared = {
  characterId: Id.optional().meta({
    description: 'Known to this character only; absent: known to every character',
  }),
  salience: Salience,
  sensitive: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({ description: 'Never brought up in a public channel (health, money, family trouble...)' }),
  mention: optionalText(120).meta({
    description: 'How an opener names it, e.g. "Luna\'s surgery"; absent: an opener quotes the text',
  }),
  source: Text(64)
    .default('api')
    .meta({ description: 'Who said so: api (default), bot, user, extracted...' }),
};

export const FactInput = z.strictObject({
  text: Text(1000).meta({
    description: 'The fact in a sentence, e.g. "Her sister Luna has surgery on Friday"',
  }),
  subject: optionalText(200),
  predicate: optionalText(200),
  object: optionalText(200),
  category: Label.optional().meta({ description: 'e.g. family, work, health, hobby, preference' }),
  ...Shared,
});
export type FactInput = z.output<typeof FactInput>;

export const Fact = z
  .object({
    factId: z.string(),
    userId: z.string(),
    characterId: z.string().nullable(),
    text: z.string(),
    subject: z.string().nullable(),
    predicate: z.string().nullable(),
    object: z.string().nullable(),
    category: z.string().nullable(),
    salience: z.number(),
    sensitive: z.boolean(),
    mention: z.string().nullable(),
    source: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Fact' });

export const MemoryInput = z.strictObject({
  text: Text(2000).meta({ description: 'What happened, e.g. "Went hiking in the Alps with her dog"' }),
  at: Instant.optional().meta({ description: 'When it happened (default: now)' }),
  tags: z
    .array(Label, { error: 'must be a list of tags' })
    .max(20, { error: 'must hold at most 20 tags' })
    .default([]),
  ...Shared,
});
export type MemoryInput = z.output<typeof MemoryInput>;

export const Memory = z
  .object({
    memoryId: z.string(),
    userId: z.string(),
    characterId: z.string().nullable(),
    text: z.string(),
    at: z.string(),
    tags: z.array(z.string()),
    salience: z.number(),
    sensitive: z.boolean(),
    mention: z.string().nullable(),
    source: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Memory' });

const page = {
  characterId: Id.optional().meta({
    description: "This character's own, and those shared by every character",
  }),
  before: z.string().max(64).optional().meta({ description: 'The `next` value of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};
export const FactQuery = z.strictObject({ ...page, category: Label.optional() });
export type FactQuery = z.output<typeof FactQuery>;
export const MemoryQuery = z.strictObject({ ...page, tag: Label.optional() });
export type MemoryQuery = z.output<typeof MemoryQuery>;
