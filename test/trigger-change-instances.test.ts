import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;

// PostgreSQL only: two engines with pools and trigger caches of their own share one database.
describe.skipIf(!DATABASE_URL)('a trigger changed on one instance, decided on another', () => {
  const engines: Engine[] = [];
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'trig', async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  afterEach(() => {
    engines.length = 0;
  });

  const start = async (clock: FakeClock) => {
    const engine = await createEngine(
      { databaseUrl: scratch.url, logLevel: 'silent', scheduler: false, poolSize: 3 },
      { clock },
    );
    engines.push(engine);
    return engine;
  };

  it('decides with a trigger another instance has just enabled, not the triggers it had cached', async () => {
    const clock = new FakeClock('2026-11-10T18:00:00Z');
    const a = await start(clock);
    const b = await start(clock);
    const onA = a.forTenant('default');
    const onB = b.forTenant('default');
    await onA.putPolicy({ allowProactive: true, quietHours: null });
    // b reads the tenant's triggers for this batch and keeps them: idle-check-in is disabled
    await onB.ingest({
      id: 'm1',
      kind: 'message_in',
      userId: 'maya',
      characterId: 'aria',
      at: clock.now().toISOString(),
      text: 'hi',
    });
    await b.scheduler.runUntilIdle();

    // a enables the check-in, which makes every pair due again; b decides them at once
    await onA.enableTrigger('idle-check-in');
    expect((await b.scheduler.runUntilIdle()).decided).toBe(1);

    clock.advance({ hours: 24, minutes: 1 });
    expect((await b.scheduler.runUntilIdle()).suggestions).toBe(1);
    const [decision] = (await onB.listDecisions({ userId: 'maya' })).decisions;
    expect(decision).toMatchObject({ action: 'send', occasion: { triggerId: 'idle-check-in' } });
  });

  it('stops deciding with a trigger another instance has just disabled', async () => {
    const clock = new FakeClock('2026-11-10T18:00:00Z');
    const a = await start(clock);
    const b = await start(clock);
    const onA = a.forTenant('default');
    const onB = b.forTenant('default');
    await onA.putPolicy({ allowProactive: true, quietHours: null });
    await onA.enableTrigger('idle-check-in');
    await onB.ingest({
      id: 'm1',
      kind: 'message_in',
      userId: 'maya',
      characterId: 'aria',
      at: clock.now().toISOString(),
      text: 'hi',
    });
    clock.advance({ hours: 24, minutes: 1 });
    // b has the check-in cached as enabled; a disables it just before b decides
    await onA.disableTrigger('idle-check-in');
    expect(await b.scheduler.runUntilIdle()).toMatchObject({ decided: 1, suggestions: 0 });
  });
});
