import { z } from 'zod';
import { COMPOSER_NAMES } from '../ports/composer.js';

const URL_RULE = 'must be an http:// or https:// URL';
const HttpUrl = z
  .string({ error: URL_RULE })
  .max(2000, { error: 'must be at most 2000 characters' })
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, URL_RULE);

const Model = z
  .string({ error: 'must be a model id of 1-200 characters' })
  .trim()
  .min(1, { error: 'must be a model id of 1-200 characters' })
  .max(200, { error: 'must be a model id of 1-200 characters' });

const ApiKey = z
  .string({ error: 'must be a string of 1-4096 characters, or null to remove the stored key' })
  .min(1, { error: 'must be a string of 1-4096 characters, or null to remove the stored key' })
  .max(4096, { error: 'must be a string of 1-4096 characters, or null to remove the stored key' })
  .nullable()
  .optional()
  .meta({
    description: 'Stored sealed, never returned. Absent: the stored key is kept; null: removed.',
  });

const Sampling = {
  timeoutMs: z
    .number({ error: 'must be a whole number of milliseconds from 100 to 60000' })
    .int({ error: 'must be a whole number of milliseconds from 100 to 60000' })
    .min(100, { error: 'must be a whole number of milliseconds from 100 to 60000' })
    .max(60_000, { error: 'must be a whole number of milliseconds from 100 to 60000' })
    .default(10_000)
    .meta({ description: 'A slower answer counts as a failure: the template writes the opener' }),
  temperature: z
    .number({ error: 'must be a number from 0 to 2, or null for the model default' })
    .min(0, { error: 'must be a number from 0 to 2, or null for the model default' })
    .max(2, { error: 'must be a number from 0 to 2, or null for the model default' })
    .nullable()
    .default(null),
  maxOutputTokens: z
    .number({ error: 'must be a whole number from 16 to 4096' })
    .int({ error: 'must be a whole number from 16 to 4096' })
    .min(16, { error: 'must be a whole number from 16 to 4096' })
    .max(4096, { error: 'must be a whole number from 16 to 4096' })
    .default(400),
};

export const LlmProviderInput = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('template') }).meta({
        description:
          'The deterministic template composer (the default); for a character, overrides the tenant',
      }),
      z.strictObject({
        kind: z.literal('openai-compatible'),
        baseUrl: HttpUrl.meta({
          description: "The server's OpenAI-compatible base, e.g. http://localhost:11434/v1 (Ollama)",
        }),
        model: Model,
        apiKey: ApiKey,
        structuredOutputs: z.boolean({ error: 'must be true or false' }).default(true).meta({
          description: 'Send a JSON schema (response_format); false: JSON mode, for servers without it',
        }),
        ...Sampling,
      }),
      z.strictObject({
        kind: z.literal('anthropic'),
        baseUrl: HttpUrl.nullable().default(null).meta({ description: "null: Anthropic's own API" }),
        model: Model,
        apiKey: ApiKey,
        ...Sampling,
      }),
    ],
    { error: 'must be one of template, openai-compatible, anthropic' },
  )
  .meta({ id: 'LlmProviderBody' });
export type LlmProviderInput = z.output<typeof LlmProviderInput>;

export const LlmProvider = z
  .object({
    characterId: z.string().nullable().meta({ description: "null: the tenant's default" }),
    kind: z.enum(COMPOSER_NAMES),
    baseUrl: z.string().nullable(),
    model: z.string().nullable(),
    timeoutMs: z.number().nullable(),
    temperature: z.number().nullable(),
    maxOutputTokens: z.number().nullable(),
    structuredOutputs: z.boolean().nullable(),
    hasApiKey: z.boolean(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LlmProvider' });
export type LlmProvider = z.output<typeof LlmProvider>;
