import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// Berlin is UTC+1 in December: "0 10 * * *" in the user's zone is 09:00Z. 2026-12-02 is a Wednesday.
describe.each(BACKENDS)('a schedule fires only for occurrences after it was enabled, on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
    t.clock.set('2026-12-01T07:00:00Z');
  });
  afterEach(async () => {
    await t.close();
  });

  const db = () => t.server.engine.database.db;
  const sweep = () => t.server.engine.scheduler.runUntilIdle();
  const ok = async (options: Parameters<TestServer['request']>[0]) => {
    const res = await t.request(options);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const occasions = async () =>
    (
      await sql<{ occasion_key: string }>`
        select occasion_key from suggestions where trigger_id = 'ten-o-clock' order by created_at`.execute(
        db(),
      )
    ).rows.map((r) => r.occasion_key);
  const at = (iso: string) => `at:${Date.parse(iso)}`;

  async function berlinUserWhoWrote() {
    await ok({ method: 'PUT', url: '/v1/policy', payload: { allowProactive: true, quietHours: null } });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'hello',
        kind: 'message_in',
        userId: 'ada',
        characterId: 'luna',
        at: '2026-12-01T07:00:00Z',
        text: 'hi',
      },
    });
    await ok({ method: 'PATCH', url: '/v1/users/ada', payload: { timezone: 'Europe/Berlin' } });
    await sweep();
  }
  const createTenOClock = () =>
    ok({
      method: 'POST',
      url: '/v1/triggers',
      // the default expiry (24 h) reaches back over the previous day's occurrence
      payload: { id: 'ten-o-clock', name: 'Ten o’clock', spec: { kind: 'schedule', cron: '0 10 * * *' } },
    });

  it('does not fire for the previous day’s occurrence when created at 08:00Z, and fires at the next one', async () => {
    await berlinUserWhoWrote();
    t.clock.set('2026-12-02T08:00:00Z');
    await createTenOClock();
    await sweep();
    expect(await occasions()).toEqual([]);

    t.clock.set('2026-12-02T08:59:00Z');
    await sweep();
    expect(await occasions()).toEqual([]);

    t.clock.set('2026-12-02T09:00:00Z');
    await sweep();
    expect(await occasions()).toEqual([at('2026-12-02T09:00:00Z')]);
  });

  it('does not fire for an occurrence missed while it was disabled, once enabled again', async () => {
    await berlinUserWhoWrote();
    t.clock.set('2026-12-01T08:00:00Z');
    await createTenOClock();
    t.clock.set('2026-12-01T09:00:00Z');
    await sweep();
    expect(await occasions()).toEqual([at('2026-12-01T09:00:00Z')]);

    t.clock.set('2026-12-01T12:00:00Z');
    await ok({ method: 'POST', url: '/v1/triggers/ten-o-clock/disable' });
    await sweep();
    // the next day's occurrence passes while it is disabled
    t.clock.set('2026-12-02T09:00:00Z');
    await sweep();
    t.clock.set('2026-12-02T11:00:00Z');
    await ok({ method: 'POST', url: '/v1/triggers/ten-o-clock/enable' });
    await sweep();
    expect(await occasions()).toEqual([at('2026-12-01T09:00:00Z')]);

    // and it fires again at the next occurrence after it was enabled
    t.clock.set('2026-12-03T09:00:00Z');
    await sweep();
    expect(await occasions()).toEqual([at('2026-12-01T09:00:00Z'), at('2026-12-03T09:00:00Z')]);
  });
});
