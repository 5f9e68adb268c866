import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { OvertureError } from '../src/engine/errors.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { BACKENDS, openTestDatabase } from './helpers/backends.js';

describe.each(BACKENDS)('the engine as a library on %s', (backend) => {
  let engine: Engine;
  const clock = new FakeClock('2026-11-23T12:00:00Z');
  afterEach(async () => {
    await engine?.close();
  });

  const start = async () => {
    engine = await createEngine({ logLevel: 'silent' }, { clock, database: await openTestDatabase(backend) });
    return engine;
  };

  it('ingests, reads and updates through forTenant, with the same rules as the API', async () => {
    const overture = (await start()).forTenant('default');
    const result = await overture.ingest([
      { id: 'm1', kind: 'message_in', userId: 'alice', characterId: 'aria', at: '2026-11-23T11:00:00Z' },
      { id: 'm1', kind: 'message_in', userId: 'alice', characterId: 'aria', at: '2026-11-23T11:00:00Z' },
    ]);
    expect(result).toMatchObject({ accepted: 1, duplicates: 1 });
    const user = await overture.updateUser('alice', { timezone: 'Europe/Berlin' });
    expect(user).toMatchObject({ userId: 'alice', timezone: 'Europe/Berlin', activity: { inboundCount: 1 } });
    const error = await overture
      .ingest({ id: 'm2', kind: 'message_in', userId: 'alice', characterId: 'aria', at: 'soon' } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvertureError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'events[0].at', index: 0, field: 'at' }],
    });
  });

  it('announces ingested events on the typed event map', async () => {
    const overture = (await start()).forTenant('default');
    const next = engine.events.next('events.ingested');
    await overture.ingest({
      id: 'm1',
      kind: 'reaction',
      userId: 'bob',
      characterId: 'aria',
      at: '2026-11-23T11:00:00Z',
    });
    expect(await next).toEqual({ tenantId: 'default', accepted: 1, duplicates: 0, byKind: { reaction: 1 } });
  });

  it('refuses a tenant that does not exist with not_found, writing nothing', async () => {
    const ghost = (await start()).forTenant('ghost');
    await expect(
      ghost.ingest({
        id: 'm1',
        kind: 'message_in',
        userId: 'u',
        characterId: 'c',
        at: '2026-11-23T11:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'tenant "ghost" not found' });
    await expect(engine.forTenant('default').getUser('u')).rejects.toMatchObject({ code: 'not_found' });
  });
});
