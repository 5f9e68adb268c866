import { createServer as createNetServer } from 'node:net';
import { createLogger } from '../app/logger.js';
import { loadConfig } from '../config/config.js';
import { parseCommand, StartError } from './args.js';

const USAGE = `Usage: overture serve [--port N] [--host H]

Runs the engine and its HTTP API until SIGTERM or SIGINT, then shuts down gracefully.

Environment:
  PORT                          port to listen on (default 8787)
  HOST                          address to bind (default 127.0.0.1; 0.0.0.0 for all)
  DATABASE_URL                  PostgreSQL connection string; without it the embedded PGlite is used
  OVERTURE_DATA_DIR             PGlite data directory (default ./.overture)
  OVERTURE_ADMIN_KEY            admin key of the default tenant (at least 16 characters)
  OVERTURE_POOL_SIZE            PostgreSQL connections per instance (default 10)
  OVERTURE_DATABASE_CONNECT_TIMEOUT_MS    opening a session or waiting for a pooled one (default 5000)
  OVERTURE_DATABASE_STATEMENT_TIMEOUT_MS  longest statement; 0: no bound (default 10000)
  OVERTURE_BODY_LIMIT           largest request body in bytes (default 10485760)
  OVERTURE_MIGRATE              apply migrations at start-up (default true)
  OVERTURE_SHUTDOWN_TIMEOUT_MS  grace period for in-flight requests and sends (default 10000)
  OVERTURE_SECRET_KEY           32 bytes (hex or base64) that seal stored tokens and API keys
  OVERTURE_DELIVERY             send approved messages from this instance (default true)
  OVERTURE_DELIVERY_MAX_ATTEMPTS attempts per message before it fails (default 6)
  OVERTURE_TEST_CLOCK_FILE      for tests only: the engine's clock reads the instant in this file
  LOG_LEVEL                     fatal, error, warn, info, debug, trace or silent (default info)`;

export async function serveCommand(args: string[]): Promise<number> {
  const parsed = parseCommand(args, USAGE, { port: { type: 'string' }, host: { type: 'string' } });
  if (!parsed) return 0;
  const env = { ...process.env };
  if (parsed.values.port !== undefined) env.PORT = parsed.values.port;
  if (parsed.values.host !== undefined) env.HOST = parsed.values.host;
  const config = loadConfig(env);
  // Before the engine opens anything: a first start that cannot listen creates no admin key,
  // so the next start, on a port that is free, still shows it.
  await assertCanListen(config.host, config.port);
  // The database opens (on PGlite: WebAssembly compiled on other threads, then PostgreSQL started)
  // while the engine's and the API's modules load.
  const logger = createLogger(config);
  const opening = import('../storage/connection/open-database.js').then(({ openDatabase }) =>
    openDatabase(config, logger),
  );
  const [{ createServer }, database] = await Promise.all([import('../app/create-server.js'), opening]);
  const server = await createServer(config, { database, logger });
  const { bootstrap } = server.engine;
  let address: string;
  try {
    address = await server.listen();
  } catch (error) {
    await server.close(); // the loops stop, the data directory's lock goes
    // taken since the probe: the key this start made is shown, or nobody ever would see it
    if (bootstrap.kind === 'created') printAdminKey(bootstrap.tenantId, bootstrap.adminKey);
    throw listenError(config.host, config.port, error);
  }
  if (bootstrap.kind === 'created') printAdminKey(bootstrap.tenantId, bootstrap.adminKey);
  logger.info(
    {
      address,
      database: server.engine.database.kind,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
    },
    'overture is listening',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      server.close().then(resolve, (error) => {
        logger.error({ err: error }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

/** Printed once, straight to the terminal, never through the logger. */
function printAdminKey(tenantId: string, adminKey: string): void {
  process.stdout.write(
    `\n  Overture created tenant "${tenantId}" and its admin key. It is shown only this once:\n\n` +
      `    ${adminKey}\n\n  Keep it; use it as "Authorization: Bearer <key>".\n\n`,
  );
}

/** A `StartError` when `host:port` cannot be listened on (port 0 always can). */
async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createNetServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, host, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenError(host, port, error);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function listenError(host: string, port: number, error: unknown): StartError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? 'the port is in use (another Overture, or another program?); set PORT or --port to a free one'
      : code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges); set PORT or --port'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'this machine has no such address; set HOST or --host'
          : (error as Error).message;
  return new StartError(`cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${why}`);
}
