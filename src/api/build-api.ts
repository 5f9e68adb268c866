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
import { channelRoutes } from './channels.routes.js';
import { characterRoutes } from './characters.routes.js';
import { contextRoutes } from './context.routes.js';
import { contextProviderRoutes } from './context-provider.routes.js';
import { decisionRoutes } from './decisions.routes.js';
import { handleError } from './error-handler.js';
import { eventRoutes } from './events.routes.js';
import { healthRoutes } from './health.routes.js';
import { hookRoutes } from './hooks.routes.js';
import { keyRoutes } from './keys.routes.js';
import { llmProviderRoutes } from './llm-provider.routes.js';
import { registerMetrics } from './metrics.js';
import { openLoopRoutes } from './open-loops.routes.js';
import { policyRoutes } from './policy.routes.js';
import { refuseUnroutableRequests } from './request-refusals.js';
import { streamRoutes } from './stream.routes.js';
import { suggestionRoutes } from './suggestions.routes.js';
import { triggerRoutes } from './triggers.routes.js';
import { userRoutes } from './users.routes.js';
import { validatorCompiler } from './validation.js';

const VERSION = '0.1.0';

/** The HTTP API over an engine: routes, auth, validation, errors, metrics and the OpenAPI document. */
export async function buildApi(engine: ApiEngine): Promise<Api> {
  const app = Fastify({
    loggerInstance: engine.logger as FastifyBaseLogger,
    bodyLimit: engine.config.bodyLimit,
    // Fastify sets a 72 s keep-alive; the default request timeout is off: bound slow clients.
    requestTimeout: 60_000,
    // a request during shutdown is refused in our error shape (request-refusals.ts), not Fastify's
    return503OnClosing: false,
    // Ids may be 128 characters; past Fastify's default of 100 it would answer 414 before our
    // validator could name the rule. Longer still is refused by the router (414).
    routerOptions: { maxParamLength: 512 },
  }).withTypeProvider() as unknown as Api;
  app.decorate('engine', engine);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.removeContentTypeParser('text/plain'); // bodies are JSON: anything else is a 415
  refuseUnroutableRequests(app);
  app.addHook('onRequest', authHook(engine.authenticate));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Overture API',
        version: VERSION,
        description: 'Proactive engagement engine for conversational agents.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const metrics = registerMetrics(app, engine.events);
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
  await streamRoutes(app);
  await app.ready();
  return app;
}
