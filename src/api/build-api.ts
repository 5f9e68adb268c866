import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
} from 'fastify-type-provider-zod';
import type { ApiEngine } from '../engine/use-cases/api-engine.js';
import { activityRoutes } from './activity.routes.js';
import type { Api } from './api-types.js';
import { authHook } from './auth.js';
import { registerBodyBudget } from './body-budget.js';
import { channelRoutes } from './channels.routes.js';
import { CHARACTER_BODY_LIMIT, characterRoutes } from './characters.routes.js';
import { contextRoutes } from './context.routes.js';
import { contextProviderRoutes } from './context-provider.routes.js';
import { decisionRoutes } from './decisions.routes.js';
import { handleError } from './error-handler.js';
import { eventRoutes } from './events.routes.js';
import { handleFrameworkError, MAX_PARAM_LENGTH } from './framework-errors.js';
import { funnelRoutes } from './funnels.routes.js';
import { healthRoutes } from './health.routes.js';
import { hookRoutes } from './hooks.routes.js';
import { useJsonBodyParser } from './json-body-parser.js';
import { registerJsonDepthLimit } from './json-depth.js';
import { keyRoutes } from './keys.routes.js';
import { llmProviderRoutes } from './llm-provider.routes.js';
import { registerMetrics } from './metrics.js';
import { openLoopRoutes } from './open-loops.routes.js';
import { policyRoutes } from './policy.routes.js';
import { reportRoutes } from './reports.routes.js';
import { registerRequestLimits } from './request-limits.js';
import { serializeRequest } from './request-log.js';
import { refuseUnroutableRequests } from './request-refusals.js';
import { streamRoutes } from './stream.routes.js';
import { suggestionRoutes } from './suggestions.routes.js';
import { triggerRoutes } from './triggers.routes.js';
import { userRoutes } from './users.routes.js';
import { validatorCompiler } from './validation.js';

const VERSION = '0.1.0';

/** The limits every route shares, as this server is configured, for the OpenAPI document. */
function limitsText(config: ApiEngine['config']): string {
  const perMinute = (n: number) => (n === 0 ? 'no limit' : `${n} a minute`);
  return [
    `Limits: request bodies up to ${config.bodyLimit} bytes, except POST /v1/events (${config.eventsBodyLimit}) and PUT /v1/characters/{characterId} (${CHARACTER_BODY_LIMIT}); larger is 413 before the body is parsed.`,
    'JSON bodies nest arrays and objects at most 64 deep (400).',
    `While this instance holds ${bodyBudget(config)} bytes of request bodies, a request with a body is 503 with Retry-After.`,
    `Requests per API key: ${perMinute(config.keyRequestsPerMinute)}; per tenant: ${perMinute(config.tenantRequestsPerMinute)} (the operator may set a tenant's own); requests with an unknown or revoked key per client address: ${perMinute(config.failedAuthPerMinute)}. Past a limit: 429 rate_limited with Retry-After (seconds).`,
  ].join(' ');
}

/** Body bytes held at once: as configured, and never less than one body of the largest route limit. */
function bodyBudget(config: ApiEngine['config']): number {
  return Math.max(config.bodyBytesInFlight, config.eventsBodyLimit, config.bodyLimit, CHARACTER_BODY_LIMIT);
}

/** The HTTP API over an engine: routes, auth, validation, errors, metrics and the OpenAPI document. */
export async function buildApi(engine: ApiEngine): Promise<Api> {
  const app = Fastify({
    loggerInstance: engine.logger as FastifyBaseLogger,
    // keys sent in a query string (`?api_key=`, `/v1/stream?token=`) never reach the log
    childLoggerFactory: (logger, bindings, options) =>
      logger.child(bindings, { ...options, serializers: { ...options.serializers, req: serializeRequest } }),
    // small by default: a route that takes more says so (POST /v1/events, PUT /v1/characters/{id})
    bodyLimit: engine.config.bodyLimit,
    // a number of hops works (proxy-addr), though Fastify's types leave it out
    trustProxy: engine.config.trustProxy as boolean | string,
    // Fastify sets a 72 s keep-alive; the default request timeout is off: bound slow clients.
    requestTimeout: 60_000,
    // a request during shutdown is refused in our error shape (request-refusals.ts), not Fastify's
    return503OnClosing: false,
    // Ids may be 128 characters; past Fastify's default of 100 it would answer 414 before our
    // validator could name the rule. Longer still is refused by the router (414).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // a malformed or overlong path, refused by the router, still gets our error shape
    frameworkErrors: handleFrameworkError,
  }).withTypeProvider() as unknown as Api;
  app.decorate('engine', engine);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  useJsonBodyParser(app);
  app.removeContentTypeParser('text/plain'); // bodies are JSON: anything else is a 415
  refuseUnroutableRequests(app);
  const limits = await registerRequestLimits(app, engine);
  app.addHook('onRequest', authHook(engine.authenticate, limits));
  const bodies = registerBodyBudget(app, bodyBudget(engine.config));
  registerJsonDepthLimit(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Overture API',
        version: VERSION,
        description: `Proactive engagement engine for conversational agents.\n\n${limitsText(engine.config)}`,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const metrics = registerMetrics(app, engine.events, { bodyBytesInFlight: bodies.inFlight });
  app.get(
    '/metrics',
    {
      // the counters total every tenant's traffic, so only the operator reads them
      config: { access: 'operator' },
      schema: {
        tags: ['operations'],
        summary: "Prometheus metrics (admin keys of the operator's default tenant)",
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  );
  app.get(
    '/v1/openapi.json',
    { config: { access: 'any-key' }, schema: { tags: ['operations'], summary: 'This document' } },
    async () => app.swagger(),
  );

  healthRoutes(app);
  eventRoutes(app);
  userRoutes(app);
  activityRoutes(app);
  characterRoutes(app);
  keyRoutes(app);
  policyRoutes(app);
  triggerRoutes(app);
  hookRoutes(app);
  decisionRoutes(app);
  contextRoutes(app);
  llmProviderRoutes(app);
  suggestionRoutes(app);
  contextProviderRoutes(app);
  openLoopRoutes(app);
  channelRoutes(app);
  reportRoutes(app);
  funnelRoutes(app);
  await streamRoutes(app);
  await app.ready();
  return app;
}
