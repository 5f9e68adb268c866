import { createServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { parseCommand } from './args.js';

const USAGE = `Usage: overture serve [--port N] [--host H]

Runs the engine and its HTTP API until SIGTERM or SIGINT, then shuts down gracefully.

Environment:
  PORT                          port to listen on (default 8787)
  HOST                          address to bind (default 127.0.0.1; 0.0.0.0 for all)
  DATABASE_URL                  PostgreSQL connection string; without it the embedded PGlite is used
  OVERTURE_DATA_DIR             PGlite data directory (default ./.overture)
  OVERTURE_ADMIN_KEY            admin key of the default tenant (at least 16 characters)
  OVERTURE_POOL_SIZE            PostgreSQL connections per instance (default 10)
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
  const server = await createServer(config);
  const { bootstrap, logger } = server.engine;
  if (bootstrap.kind === 'created') {
    // Printed once, straight to the terminal, never through the logger.
    process.stdout.write(
      `\n  Overture created tenant "${bootstrap.tenantId}" and its admin key. It is shown only this once:\n\n` +
        `    ${bootstrap.adminKey}\n\n  Keep it; use it as "Authorization: Bearer <key>".\n\n`,
    );
  }
  const address = await server.listen();
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
