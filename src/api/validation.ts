import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { checkInput, invalidInput, recordParsed } from '../contract/issues.js';

/**
 * Validates requests with their zod schemas and reports problems as the engine's own
 * `invalid_request`, naming each field and rule (fastify-type-provider-zod's own compiler would
 * give zod's wording). What it produced is recorded, so the use case does not parse it again.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = checkInput(schema, data, httpPart === 'querystring' ? 'query' : '');
    if (result.ok) {
      // the use case the route calls parses with the same schema: this one is not checked twice
      recordParsed(schema, result.value);
      return { value: result.value };
    }
    return { error: invalidInput(result.issues) };
  };

/**
 * The same for everything but the body, which is passed through as it came: for routes whose body
 * the engine checks itself (a webhook call after its signature, a channel's settings by channel).
 * Its schema still documents it.
 */
export const validatorCompilerBodyUnchecked: FastifySchemaCompiler<z.ZodType> = (route) =>
  route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler(route);
