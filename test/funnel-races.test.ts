import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/app/create-engine.js';
import { FakeClock } from '../src/testing/fake-clock.js';
import { RecordingChannel } from '../src/testing/recording-channel.js';
import { BACKENDS } from './helpers/backends.js';
import { type FunnelPair, startFunnelPair, WEEKEND_FUNNEL } from './helpers/funnel-pair.js';
import { OPEN_POLICY } from './helpers/policies.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;

/** Funnels under concurrency: starts racing for one pair, timeouts claimed by several sweeps. */
describe.each(BACKENDS)('funnel races, on %s', (backend) => {
  let p: FunnelPair;
  afterEach(async () => {
    await p.close();
  });

  const report = async () => {
    const from = new Date(p.t.clock.now().getTime() - 86_400_000).toISOString();
    const to = new Date(p.t.clock.now().getTime() + 60_000).toISOString();
    return p.ok({
      method: 'GET',
      url: `/v1/reports/funnels?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    });
  };

  it('gives two starts at once for one user one funnel and one message; the loser sends nothing and says why', async () => {
    p = await startFunnelPair(backend);
    // a second trigger on the same event, starting the same funnel
    await p.ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: {
        id: 'ping-2',
        name: 'Ping 2',
        spec: { kind: 'event', event: 'ping' },
        cooldownMinutes: 0,
        funnel: { select: 'best' },
      },
    });
    await p.ok({
      method: 'POST',
      url: '/v1/events',
      payload: { id: 'both', kind: 'custom', name: 'ping', userId: 'maya', characterId: 'aria', at: p.at() },
    });
    const sweeps = await Promise.all([p.t.server.engine.sweep(), p.t.server.engine.sweep()]);
    expect(sweeps[0]!.suggestions + sweeps[1]!.suggestions).toBe(1);
    expect(await p.deliver()).toBe(1);
    expect(p.telegram.delivered.filter((m) => m.inlineKeyboard !== null)).toHaveLength(1);
    const suggestions = (await p.ok({ method: 'GET', url: '/v1/suggestions?userId=maya&status=dismissed' }))
      .suggestions;
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0].statusReason).toBe(
      'the user is in funnel "plan-weekend" with this character: nothing else is sent meanwhile',
    );
    const decisions = (await p.ok({ method: 'GET', url: '/v1/decisions?userId=maya&limit=2' })).decisions;
    const notes = decisions.map(
      (d: { trace: { check: string; note: string }[] }) => d.trace.find((c) => c.check === 'funnel')!.note,
    );
    expect(notes.sort()).toEqual(['funnel_chosen', 'funnel_under_way']);
  });

  it('expires a timed-out step once however many sweeps race for it, by the scheduler and not a timer', async () => {
    p = await startFunnelPair(backend);
    await p.startRun();
    p.t.clock.advance({ minutes: 239 });
    await Promise.all([p.t.server.engine.sweep(), p.t.server.engine.sweep(), p.t.server.engine.sweep()]);
    expect((await report()).funnels[0].expired).toBe(0);
    p.t.clock.advance({ minutes: 2 });
    await Promise.all([p.t.server.engine.sweep(), p.t.server.engine.sweep(), p.t.server.engine.sweep()]);
    await p.t.server.engine.sweep();
    const r = await report();
    expect(r.funnels[0]).toMatchObject({ started: 1, expired: 1, completed: 0 });
    expect(r.funnels[0].steps).toEqual([
      expect.objectContaining({ stepId: 'hook', expired: 1, medianSeconds: 241 * 60 }),
    ]);
    expect(await p.reply('yes!')).toMatchObject({
      consumed: false,
      event: 'passed_through',
      reason: 'no_funnel',
    });
  });
});

// PostgreSQL only: three engines with pools of their own share one database, which PGlite (one
// connection, one process) cannot show.
describe.skipIf(!DATABASE_URL)('funnels shared by three instances on PostgreSQL', () => {
  const engines: Engine[] = [];
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'funnel', async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  const USERS = 30;

  it('starts one funnel per user and expires each timed-out run exactly once, whichever instance claims it', async () => {
    const clock = new FakeClock('2026-11-23T12:00:00Z');
    const channels = new RecordingChannel();
    const secretKey = randomBytes(32).toString('hex');
    for (let i = 0; i < 3; i++)
      engines.push(
        await createEngine(
          {
            databaseUrl: scratch.url,
            logLevel: 'silent',
            scheduler: false,
            poolSize: 4,
            secretKey,
          },
          { clock, channels: channels.factory },
        ),
      );
    const tenant = engines[0]!.forTenant('default');
    await tenant.putPolicy(OPEN_POLICY);
    await tenant.createFunnel({
      ...WEEKEND_FUNNEL,
      audience: { minEngagement: 'passive', cooldownHours: 0 },
    });
    for (const id of ['ping', 'ping-2'])
      await tenant.createTrigger({
        id,
        name: id,
        spec: { kind: 'event', event: 'ping' },
        cooldownMinutes: 0,
        funnel: { select: 'best' },
      });
    await tenant.putCharacter('luna', {});
    await tenant.putChannel('luna', 'telegram', { token: '123456:three-instances' });
    const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
    for (const userId of users)
      await tenant.updateUser(userId, { addresses: { telegram: `chat-${userId}` } });
    const at = () => clock.now().toISOString();
    await tenant.ingest(
      users.map((userId) => ({ id: 'hi', kind: 'message_in', userId, characterId: 'luna', at: at() })),
    );
    clock.advance({ minutes: 40 });
    await tenant.ingest(
      users.map((userId) => ({
        id: 'p',
        kind: 'custom',
        name: 'ping',
        userId,
        characterId: 'luna',
        at: at(),
      })),
    );
    const sweeps = await Promise.all(engines.map((e) => e.sweep()));
    expect(sweeps.reduce((n, s) => n + s.suggestions, 0)).toBe(USERS);
    await Promise.all(engines.map((e) => e.deliver()));
    const statuses = await scratch.query<{ status: string; status_reason: string | null; n: number }>(
      'select status, status_reason, count(*)::int as n from suggestions group by 1, 2',
    );
    expect(channels.calls, JSON.stringify(statuses)).toHaveLength(USERS);
    expect(channels.calls.every((c) => c.choices?.length === 2)).toBe(true);

    clock.advance({ minutes: 241 });
    await Promise.all(engines.map((e) => e.sweep()));
    const expired = await scratch.query<{ run_id: string; n: number }>(
      "select run_id, count(*)::int as n from funnel_events where type = 'funnel_expired' group by run_id",
    );
    expect(expired).toHaveLength(USERS);
    expect(expired.every((r) => r.n === 1)).toBe(true);
    const runs = await scratch.query<{ user_id: string; n: number }>(
      'select user_id, count(*)::int as n from funnel_runs group by user_id',
    );
    expect(runs).toHaveLength(USERS);
    expect(runs.every((r) => r.n === 1)).toBe(true);
  });
});
