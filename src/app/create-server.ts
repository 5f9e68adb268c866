import type { Api } from '../api/api-types.js';
import { buildApi } from '../api/build-api.js';
import type { ConfigInput } from '../config/config.js';
import { createEngine, type Engine, type EngineOptions } from './create-engine.js';

export interface Server {
  engine: Engine;
  app: Api;
  /** Starts listening on the configured host and port; resolves with the address. */
  listen(): Promise<string>;
  /**
   * Stops taking requests and claiming work, lets in-flight requests and sends finish (within the
   * shutdown timeout, both at once), closes the database.
   */
  close(): Promise<void>;
}

/** The engine behind HTTP: what `overture serve` runs. */
export async function createServer(config: ConfigInput = {}, options: EngineOptions = {}): Promise<Server> {
  const engine = await createEngine(config, { ...options, deferWork: true });
  let app: Api;
  try {
    app = await buildApi(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  engine.startWork();
  let closing: Promise<void> | undefined;
  return {
    engine,
    app,
    listen: () => app.listen({ port: engine.config.port, host: engine.config.host }),
    close() {
      closing ??= (async () => {
        const timeout = engine.config.shutdownTimeoutMs;
        // sends in flight finish meanwhile, within the same grace period
        const work = engine.stopWork();
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            engine.logger.warn(
              { timeoutMs: timeout },
              'in-flight requests did not finish in time; closing anyway',
            );
            app.server.closeAllConnections?.();
            resolve();
          }, timeout);
        });
        await Promise.race([app.close(), deadline]);
        clearTimeout(timer);
        await work;
        await engine.close();
      })();
      return closing;
    },
  };
}
