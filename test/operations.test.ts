import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { registeredRoutes } from './helpers/routes.js';
import { event, startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('health, metrics and the OpenAPI document on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  it('reports health without a key, and 503 when the database is gone', async () => {
    const ok = await t.request({ method: 'GET', url: '/health', key: null });
    expect(ok).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
    await t.server.engine.database.close();
    const down = await t.request({ method: 'GET', url: '/health', key: null });
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', database: 'down' });
  });

  it('counts ingested events by kind, duplicates, and request latency per route pattern', async () => {
    await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: { events: [event(), event({ id: 'e2', kind: 'message_out' }), event()] },
    });
    await t.request({ method: 'GET', url: '/v1/users/u1' });
    const res = await t.request({ method: 'GET', url: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body as string;
    expect(text).toContain('overture_events_ingested_total{kind="message_in"} 1');
    expect(text).toContain('overture_events_ingested_total{kind="message_out"} 1');
    expect(text).toContain('overture_events_duplicate_total 1');
    expect(text).toMatch(
      /overture_http_request_duration_seconds_count\{method="POST",route="\/v1\/events",status="200"\} 1/,
    );
    // the route's pattern, never the user id, so labels stay bounded
    expect(text).toContain('route="/v1/users/:userId"');
    expect(text).not.toContain('/v1/users/u1');
    expect(text).toContain('overture_process_resident_memory_bytes');
  });

  it('serves an OpenAPI 3.1 document, generated from the validating schemas, that lists every route', async () => {
    expect((await t.request({ method: 'GET', url: '/v1/openapi.json', key: null })).status).toBe(401);
    const res = await t.request({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const registered = registeredRoutes(t.server.app);
    expect(registered).toContain('DELETE /v1/keys/:keyId');
    expect(documented.sort()).toEqual(registered);
    // request rules are the ones validation uses
    const event = doc.components.schemas.EventInput;
    expect(event.required).toEqual(expect.arrayContaining(['id', 'kind', 'userId', 'characterId', 'at']));
    expect(event.properties.text.maxLength).toBe(8000);
    expect(doc.components.schemas.EventBatchInput.properties.events.maxItems).toBe(1000);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });
});
