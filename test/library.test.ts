import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { OvertureError } from '../src/contract/errors.js';
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

  it('reads and replaces the policy, recorded in the audit log as done by the library', async () => {
    const overture = (await start()).forTenant('default');
    expect((await overture.getPolicy()).allowProactive).toBe(false);
    const next = engine.events.next('policy.updated');
    await overture.putPolicy({ allowProactive: true, userCaps: { perDay: 1, perWeek: null } });
    expect(await next).toEqual({ tenantId: 'default', allowProactive: true });
    expect(await overture.getPolicy()).toMatchObject({
      allowProactive: true,
      userCaps: { perDay: 1, perWeek: null },
    });
    const { entries } = await overture.listAudit();
    expect(entries.at(-1)).toMatchObject({ actor: 'library', action: 'policy.updated' });
    expect(await overture.verifyAudit()).toMatchObject({ ok: true });
    await expect(overture.putPolicy({ quietHours: { start: '8am', end: '22:00' } })).rejects.toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'quietHours.start' }],
    });
  });

  it('manages triggers with the same rules as the API', async () => {
    const overture = (await start()).forTenant('default');
    expect((await overture.listTriggers()).triggers).toHaveLength(5);
    expect((await overture.enableTrigger('daily-standup')).enabled).toBe(true);
    const created = await overture.createTrigger({
      name: 'nudge',
      spec: { kind: 'silence', afterHours: 48 },
    });
    expect(await overture.updateTrigger(created.triggerId, { priority: 2 })).toMatchObject({ priority: 2 });
    await overture.deleteTrigger(created.triggerId);
    await expect(overture.getTrigger(created.triggerId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      overture.createTrigger({ name: 'bad', spec: { kind: 'schedule', cron: 'daily' } }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      issues: [{ path: 'spec.cron' }],
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

describe.each(BACKENDS)('the activity model from the library on %s', (backend) => {
  let engine: Engine;
  afterEach(async () => {
    await engine?.close();
  });

  it('answers activity and next-good-time questions as the API does', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    engine = await createEngine({ logLevel: 'silent' }, { clock, database: await openTestDatabase(backend) });
    const overture = engine.forTenant('default');
    await overture.updateUser('eve', { timezone: 'Asia/Tokyo' });
    const events = Array.from({ length: 20 }, (_, d) => ({
      id: `e${d}`,
      kind: 'message_in' as const,
      userId: 'eve',
      characterId: 'aria',
      // 21:30 Tokyo (12:30 UTC) on each of the 20 days before the clock
      at: new Date(Date.parse('2026-11-23T12:30:00Z') - (d + 1) * 86_400_000).toISOString(),
    }));
    await overture.ingest(events);
    const activity = await overture.getActivity('eve', { at: new Date('2026-11-24T12:30:00Z') });
    expect(activity).toMatchObject({ timezone: 'Asia/Tokyo', now: { good: true, hour: 21 } });
    const next = await overture.nextGoodTime('eve', { after: new Date('2026-11-24T00:00:00Z') });
    expect(next).toMatchObject({ good: true, hour: 21 });
  });
});
