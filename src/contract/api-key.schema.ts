import { z } from 'zod';

/**
 * Scopes are independent: `read` reads, `write` sends events and changes users and characters,
 * `admin` manages keys and reads metrics. A key may hold any of them.
 */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ApiKeyCreate = z
  .strictObject({
    name: z.string().min(1).max(100),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1)
      .default(['read', 'write'])
      .transform((scopes) => [...new Set(scopes)].sort()),
  })
  .meta({ id: 'ApiKeyCreate' });

export type ApiKeyCreate = z.output<typeof ApiKeyCreate>;

export const ApiKey = z
  .object({
    keyId: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    scopes: z.array(z.enum(SCOPES)),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export type ApiKey = z.output<typeof ApiKey>;

export const ApiKeyCreated = ApiKey.extend({
  key: z.string().meta({ description: 'The secret; shown only in this response' }),
}).meta({ id: 'ApiKeyCreated' });

export type ApiKeyCreated = z.output<typeof ApiKeyCreated>;
