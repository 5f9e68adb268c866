import { describe, expect, it } from 'vitest';
import { api, CliRunner, freePort, until, waitHealthy } from './helpers/cli.js';
import { PATIENCE_MS } from './helpers/patience.js';
import { useScratchDatabase } from './helpers/scratch-database.js';

const DATABASE_URL = process.env.DATABASE_URL;
const KEY = 'processes-admin-key-0123456789';
const HOUR = 3_600_000;

/** Users who wrote to luna 25 h ago; the first MAX_USERS wrote to max too. */
const USERS = 1200;
const MAX_USERS = 300;
const OPTED_OUT = 50;
const STRANGERS = 50;

// PostgreSQL only: several engine processes share one database (PGlite is one process).
describe.skipIf(!DATABASE_URL)('the scheduler in three processes on one PostgreSQL database', () => {
  const cli = new CliRunner();
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'sched', () => cli.cleanup());
  const query = scratch.query;
  const count = async (text: string) => Number((await query<{ n: string }>(text))[0]!.n);

  it('makes exactly one suggestion per eligible user, none for the others, with one process killed mid-run', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const env = (port: number) => ({
      DATABASE_URL: scratch.url,
      PORT: String(port),
      OVERTURE_ADMIN_KEY: KEY,
      OVERTURE_POOL_SIZE: '4',
      OVERTURE_SCHEDULER_BATCH_SIZE: '20',
      OVERTURE_SCHEDULER_INTERVAL_MS: '50',
      OVERTURE_SCHEDULER_LEASE_MS: '2000',
      // deciding only: the suggestions stay as the scheduler made them (drafting and delivery,
      // which would fail them here for want of a channel, are tested in test/e2e and elsewhere)
      OVERTURE_DRAFTING: 'false',
      LOG_LEVEL: 'warn',
    });
    // one process migrates first, so the other two start on a ready database
    const first = cli.start(['serve'], env(ports[0]!));
    await waitHealthy(first, ports[0]!);
    const others = ports.slice(1).map((port) => cli.start(['serve'], env(port)));
    await Promise.all(others.map((proc, i) => waitHealthy(proc, ports[i + 1]!)));
    const servers = [first, ...others];
    const call = (i: number, method: string, path: string, body?: unknown) =>
      api(ports[i]!, KEY, method, path, body);

    // proactive messages stay off while the tenant is set up
    const rules = {
      quietHours: null,
      userCaps: { perDay: 1, perWeek: 5 },
      midConversationMinutes: 0,
    };
    expect((await call(0, 'PUT', '/v1/policy', { allowProactive: false, ...rules })).status).toBe(200);
    const trigger = await call(1, 'POST', '/v1/triggers', {
      id: 'quiet-day',
      name: 'A day of silence',
      spec: { kind: 'silence', afterHours: 24 },
    });
    expect(trigger.status).toBe(201);

    const at = new Date(Date.now() - 25 * HOUR).toISOString();
    const events: object[] = [];
    const message = (userId: string, characterId: string, kind = 'message_in') =>
      events.push({ id: `${kind}-${characterId}`, kind, userId, characterId, at, text: 'hello' });
    for (let i = 0; i < USERS; i++) {
      message(`u${i}`, 'luna');
      if (i < MAX_USERS) message(`u${i}`, 'max');
    }
    for (let i = 0; i < OPTED_OUT; i++) message(`out${i}`, 'luna');
    for (let i = 0; i < STRANGERS; i++) message(`stranger${i}`, 'luna', 'message_out');
    for (let i = 0; i < events.length; i += 1000) {
      const res = await call(i % 3, 'POST', '/v1/events', { events: events.slice(i, i + 1000) });
      expect(res.status).toBe(200);
    }
    for (let i = 0; i < OPTED_OUT; i++)
      expect((await call(2, 'PATCH', `/v1/users/out${i}`, { consent: 'opted_out' })).status).toBe(200);

    // on: every pair is re-armed and the three processes share the work
    expect((await call(2, 'PUT', '/v1/policy', { allowProactive: true, ...rules })).status).toBe(200);
    const suggestions = () => count('select count(*) as n from suggestions');
    await until(
      async () => (await suggestions()) >= 200,
      () => 'the first 200 suggestions',
      { timeoutMs: PATIENCE_MS, intervalMs: 20 },
    );
    // killed while it holds claims: the other two are frozen (SIGSTOP), so that the work left is
    // the victim's alone however fast the machine is; the victim is frozen until what it had sent
    // is done, so the claims counted are the ones it leaves behind, and thawed and frozen again
    // until it holds some
    const victim = servers[1]!;
    const survivors = [first, servers[2]!];
    for (const proc of survivors) proc.child.kill('SIGSTOP');
    const heldByVictim = () =>
      count(`select count(*) as n from pair_schedules where claim_token like '%:${victim.pid}:%'`);
    let held = 0;
    await until(
      async () => {
        victim.child.kill('SIGSTOP');
        await new Promise((resolve) => setTimeout(resolve, 100));
        held = await heldByVictim();
        if (held === 0) victim.child.kill('SIGCONT');
        return held > 0;
      },
      () => 'the victim holding claims',
      { timeoutMs: PATIENCE_MS, intervalMs: 20 },
    );
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (const proc of survivors) proc.child.kill('SIGCONT');

    // the survivors take over the dead process's claims when its lease ends
    await until(
      async () =>
        (await suggestions()) >= USERS &&
        (await count('select count(*) as n from pair_schedules where claim_token is not null')) === 0 &&
        (await count('select count(*) as n from pair_schedules where next_due_at <= now()')) === 0,
      () => 'every pair decided and released',
      { timeoutMs: PATIENCE_MS, intervalMs: 100 },
    );

    const perUser = await query<{ user_id: string; n: string }>(
      'select user_id, count(*) as n from suggestions group by user_id',
    );
    expect(perUser.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(perUser.map((r) => r.user_id).sort()).toEqual(
      Array.from({ length: USERS }, (_, i) => `u${i}`).sort(),
    );
    expect(await count("select count(*) as n from decisions where action = 'send'")).toBe(USERS);
    // nothing missed: every pair has a stored decision (the second characters were held by the cap)
    expect(
      await count('select count(*) as n from (select distinct user_id, character_id from decisions) d'),
    ).toBe(USERS + MAX_USERS + OPTED_OUT + STRANGERS);
    expect(
      await count("select count(*) as n from decisions where user_id like 'out%' and reason = 'consent'"),
    ).toBe(OPTED_OUT);
    expect(
      await count(
        "select count(*) as n from decisions where user_id like 'stranger%' and reason = 'user_wrote_first'",
      ),
    ).toBe(STRANGERS);
    // the kill landed mid-run: the dead process held claims that the others then finished
    expect(held).toBeGreaterThan(0);

    for (const proc of survivors) proc.child.kill('SIGTERM');
    for (const proc of survivors) expect(await proc.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
