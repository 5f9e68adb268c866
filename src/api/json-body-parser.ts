import type { FastifyInstance } from 'fastify';
import { parseJsonBody } from '../contract/json-body.js';

/**
 * Replaces Fastify's JSON parser with `parseJsonBody`, whose errors name the rule (and the key,
 * for `__proto__`) rather than Fastify's "Body is not valid JSON" for all of them.
 */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    let value: unknown;
    try {
      value = parseJsonBody(body as string);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    done(null, value);
  });
}
