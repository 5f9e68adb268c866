import { z } from 'zod';

/** The body of every error response. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z
        .array(
          z.object({
            path: z.string(),
            index: z.number().int().optional(),
            field: z.string().optional(),
            rule: z.string(),
          }),
        )
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Error responses a route can give, for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
}

export const Page = z.strictObject({
  after: z.string().optional().meta({ description: 'The `next` value of the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
