import { createEngine, type Engine } from '../app/create-engine.js';
import type { ConfigInput } from '../config/config.js';
import type { ChannelAdapterFactory } from '../ports/channel.js';
import { FakeClock } from './fake-clock.js';

/**
 * An engine on an in-memory PGlite database with a fake clock and silent logs, for a bot's own
 * tests. Its default tenant is ready: `engine.forTenant('default')`. The scheduler does not run
 * by itself: advance the clock, then `await engine.sweep()` decides what is due.
 *
 * @example
 * const { engine, clock } = await createTestEngine();
 * clock.advance({ hours: 1 });
 * await engine.sweep();
 * await engine.close();
 */
export async function createTestEngine(
  config: ConfigInput = {},
  options: { clock?: FakeClock; channels?: ChannelAdapterFactory } = {},
): Promise<{ engine: Engine; clock: FakeClock }> {
  const clock = options.clock ?? new FakeClock();
  const engine = await createEngine(
    { dataDir: 'memory://', logLevel: 'silent', scheduler: false, ...config },
    { clock, ...(options.channels ? { channels: options.channels } : {}) },
  );
  return { engine, clock };
}
