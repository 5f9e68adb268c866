import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineEvents } from '../engine/kernel/events.js';

/**
 * Prometheus metrics of one server: its own registry (several servers in one process, as in
 * tests, do not collide), process metrics, events ingested, suggestions and deliveries by the
 * status this instance moved them to, outcomes announced by status and meaning, request latency per route, requests refused by a request
 * limit, and request body bytes held.
 */
export function registerMetrics(
  app: FastifyInstance,
  events: EngineEvents,
  sources: { bodyBytesInFlight(): number },
): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'overture_' });
  const ingested = new Counter({
    name: 'overture_events_ingested_total',
    help: 'Events stored, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'overture_events_duplicate_total',
    help: 'Events received again with an id already stored',
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'overture_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'overture_deliveries_total',
    help: 'Delivery status changes made by this instance, by channel and new status (queued, sending, sent, failed, unknown, handed_off)',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
  });
  const suggestions = new Counter({
    name: 'overture_suggestions_total',
    help: 'Suggestion status changes made by this instance, by new status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'overture_outcomes_total',
    help: 'Outcomes announced by this instance (outcome.recorded: a reply attributed, or moved to a later message), by status and reply meaning (none: no reply, or one without text)',
    labelNames: ['status', 'meaning'] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'overture_http_requests_limited_total',
    help: 'Requests refused by a limit: key, tenant (429), failed_auth (429, per address), body_bytes (503, body bytes in flight)',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'overture_http_body_bytes_in_flight',
    help: 'Request body bytes this instance holds now (reserved before reading, released after the response)',
    registers: [registry],
    collect() {
      this.set(sources.bodyBytesInFlight());
    },
  });
  events.on('delivery.updated', ({ channel, status }) => deliveries.inc({ channel, status }));
  events.on('suggestion.updated', ({ status }) => suggestions.inc({ status }));
  events.on('outcome.recorded', ({ status, meaning }) =>
    outcomes.inc({ status, meaning: meaning ?? 'none' }),
  );
  events.on('events.ingested', ({ byKind, duplicates: dup }) => {
    for (const [kind, n] of Object.entries(byKind)) ingested.inc({ kind }, n);
    if (dup > 0) duplicates.inc(dup);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.limitedBy) limited.inc({ limit: request.limitedBy });
    // the route's pattern, not the URL, so user ids do not explode the label set
    const route = request.routeOptions.url ?? 'unmatched';
    latency.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  return registry;
}
