import websocket from '@fastify/websocket';
import { OvertureError } from '../contract/errors.js';
import type { Logger } from '../ports/logger.js';
import type { Api } from './api-types.js';
import { errorBody } from './error-handler.js';
import { ErrorResponse } from './errors.schema.js';
import { CLOSE, StreamConnection } from './stream-connection.js';

/** Largest message a client may send; the protocol's messages are a few hundred bytes. */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/** How long shutdown waits for clients to answer the close frame before cutting them. */
const CLOSE_GRACE_MS = 1_000;

/**
 * `GET /v1/stream`: a WebSocket pushing the caller's tenant's suggestion and delivery events as
 * they happen (docs/STREAM.md). The HTTP layer lets the upgrade through without a key
 * (`access: 'public'`) because browsers cannot set headers on it; the connection authenticates
 * itself, with a `read` key in the Authorization header or in its first message.
 *
 * Keys are checked at connect and again at every heartbeat; a key revoked on this instance cuts
 * its streams at once (4401), one revoked on another instance by the next heartbeat.
 */
export async function streamRoutes(app: Api) {
  const { engine } = app;
  const { streamAuthTimeoutMs, streamHeartbeatMs, streamMaxBufferedBytes } = engine.config;
  const logger = engine.logger.child({ part: 'stream' });
  const connections = new Set<StreamConnection>();

  await app.register(websocket, {
    options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES },
    // shutdown: tell every client why (1001), give them a moment to answer, then cut the rest
    preClose: async () => {
      const open = [...connections].map((connection) => {
        const closed = new Promise<void>((resolve) => connection.socket.once('close', () => resolve()));
        connection.close(CLOSE.goingAway, 'server is shutting down');
        return closed;
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      for (const client of app.websocketServer.clients) client.terminate();
      await new Promise<void>((resolve) => app.websocketServer.close(() => resolve()));
    },
  });

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
    void recheckKeys(connections, engine.authenticate, logger);
  }, streamHeartbeatMs);
  heartbeat.unref();
  const offRevoked = engine.events.on('api_key.revoked', ({ tenantId, keyId }) => {
    for (const connection of connections) {
      if (connection.principal?.tenantId === tenantId && connection.principal.keyId === keyId)
        connection.close(CLOSE.unauthorized, 'this API key has been revoked');
    }
  });
  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    offRevoked();
  });

  app.route({
    method: 'GET',
    url: '/v1/stream',
    config: { access: 'public' },
    schema: {
      tags: ['stream'],
      summary: "Live suggestion and delivery events of the key's tenant (WebSocket; read scope)",
      description:
        'Connect with `Upgrade: websocket`. Authenticate with `Authorization: Bearer <key>` on the upgrade, or send `{"type":"auth","key":"..."}` first (within 5 s by default); never in the query string. The server answers `{"type":"ready","tenantId"}`, then sends each event as `{"type","data","at"}`; `{"type":"subscribe","events":[...],"userId"?,"characterId"?}` narrows them. Close codes: 4401 bad or missing key, 4403 no read scope, 1013 client too slow, 1001 shutdown. A live feed: what was missed is read from GET /v1/suggestions. See docs/STREAM.md.',
      response: { 426: ErrorResponse },
    },
    // a plain HTTP request (not an upgrade)
    handler: async (_request, reply) =>
      reply
        .status(426)
        .header('upgrade', 'websocket')
        .send(
          errorBody(
            'invalid_request',
            '/v1/stream is a WebSocket: connect with an "Upgrade: websocket" request (docs/STREAM.md)',
          ),
        ),
    wsHandler: (socket, request) => {
      const connection = new StreamConnection(socket, {
        stream: engine.stream,
        authenticate: engine.authenticate,
        logger,
        authTimeoutMs: streamAuthTimeoutMs,
        maxBufferedBytes: streamMaxBufferedBytes,
      });
      connections.add(connection);
      socket.on('close', () => connections.delete(connection));
      connection.start(request.headers.authorization, (request.query ?? {}) as Record<string, unknown>);
    },
  });
}

/**
 * Checks every open stream's key again, once per distinct key: a key revoked on another
 * instance closes its streams here. A failure to check (the database away) leaves them open.
 */
async function recheckKeys(
  connections: Set<StreamConnection>,
  authenticate: (key: string) => Promise<unknown>,
  logger: Logger,
): Promise<void> {
  const byKey = new Map<string, StreamConnection[]>();
  for (const connection of connections) {
    if (connection.key === undefined) continue;
    const list = byKey.get(connection.key) ?? [];
    list.push(connection);
    byKey.set(connection.key, list);
  }
  await Promise.all(
    [...byKey].map(async ([key, list]) => {
      try {
        await authenticate(key);
      } catch (error) {
        if (error instanceof OvertureError && error.code === 'unauthorized') {
          for (const connection of list) connection.close(CLOSE.unauthorized, error.message);
        } else {
          logger.debug({ err: error }, 'could not re-check a stream key; left open');
        }
      }
    }),
  );
}
