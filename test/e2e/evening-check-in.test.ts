import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { FILE_CLOCK_REFRESH_MS, setFileClock } from '../../src/app/file-clock.js';
import { type FakeTelegramServer, startFakeTelegramServer } from '../../src/testing/fake-telegram-server.js';
import { api, type CliProcess, CliRunner, freePort, logLines, until, waitHealthy } from '../helpers/cli.js';
import { PATIENCE_MS } from '../helpers/patience.js';
import { useScratchDatabase } from '../helpers/scratch-database.js';

/**
 * The whole pipeline, end to end, as the issue states it: a user chats with a character most
 * evenings 19:00-22:00 in America/Chicago, tells it about her sister Luna's surgery, then falls
 * silent. With proactive messages allowed and the built-in idle check-in on in auto mode, exactly
 * one message reaches Telegram, a day or more after her last message, inside her usual evening
 * hours, and it mentions Luna; none goes to an opted-out user, to a user who never wrote, inside
 * quiet hours or beyond the caps.
 *
 * Three `overture serve` processes share one PostgreSQL database and send through the real grammY
 * adapter to a fake Bot API. They read the time from one file (OVERTURE_TEST_CLOCK_FILE), which
 * the test moves in 15-minute steps through three days; after each step it waits until the
 * database shows nothing due or in flight at that instant, so every step is decided, composed
 * and sent before the next.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const KEY = 'e2e-admin-key-0123456789abcdef';
const TOKEN = '424242:e2e-telegram-token';
const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How far the simulated clock moves per step, and for how long after the last message. */
const STEP = 15 * MINUTE;
const SIMULATED = 3 * DAY;
const SURGERY = "My sister Luna has surgery on Thursday, I'm so nervous";

// ---- local time in America/Chicago, with Intl (DST-aware) ----

const FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  weekday: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The wall clock in Chicago at an instant. */
function chicagoWall(ms: number) {
  const p = Object.fromEntries(FORMAT.formatToParts(ms).map((part) => [part.type, part.value]));
  return {
    weekday: p.weekday!,
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

function offsetAt(ms: number): number {
  const w = chicagoWall(ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a Chicago wall clock shows this time (the day may overflow: day 32 of October is 1 November). */
function chicago(year: number, month: number, day: number, hour: number, minute = 0): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

/** "Thu 19:06" in Chicago. */
function describeChicago(ms: number): string {
  const w = chicagoWall(ms);
  return `${w.weekday} ${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')} ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

// ---- the history: three weeks of evenings ----

interface ChatEvent {
  id: string;
  kind: 'message_in' | 'message_out';
  userId: string;
  characterId: string;
  at: string;
  text: string;
  channel: 'telegram';
}

/** The first evening of the history (Tuesday 20 October 2026, CDT) and the last (Tuesday 10 November, CST). */
const FIRST_DAY = { year: 2026, month: 10, day: 20 };
const DAYS = 22;

/**
 * Evenings of chat between 19:00 and 22:00 Chicago time, skipping the days `skip` says; on the
 * last day maya stays later and tells aria about her sister's surgery, then falls silent.
 */
function evenings(userId: string, skip: (day: number) => boolean, shiftMinutes: number): ChatEvent[] {
  const events: ChatEvent[] = [];
  const push = (kind: ChatEvent['kind'], at: Date, text: string) =>
    events.push({
      id: `${kind}-${at.toISOString()}`,
      kind,
      userId,
      characterId: 'aria',
      at: at.toISOString(),
      text,
      channel: 'telegram',
    });
  for (let i = 0; i < DAYS - 1; i++) {
    if (skip(i)) continue;
    const start = 19 * 60 + ((i * 53) % 135) + shiftMinutes;
    const exchanges = 3 + (i % 3);
    for (let k = 0; k < exchanges; k++) {
      const minute = start + 10 * k;
      const at = (m: number) => chicago(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day + i, 0, m);
      push('message_in', at(minute), `evening ${i}, message ${k}`);
      push('message_out', at(minute + 2), `reply ${k}`);
    }
  }
  return events;
}

/** maya's last evening, Tuesday 10 November: later than usual, ending with the surgery. */
const LAST_EVENING = (() => {
  const at = (h: number, m: number) => chicago(2026, 11, 10, h, m);
  const e = (kind: ChatEvent['kind'], when: Date, text: string): ChatEvent => ({
    id: `${kind}-${when.toISOString()}`,
    kind,
    userId: 'maya',
    characterId: 'aria',
    at: when.toISOString(),
    text,
    channel: 'telegram',
  });
  return [
    e('message_in', at(21, 40), 'Hi Aria, long day'),
    e('message_out', at(21, 42), 'Hi Maya! What happened?'),
    e('message_in', at(22, 10), 'Family stuff'),
    e('message_out', at(22, 12), 'Tell me about it'),
    e('message_in', at(22, 35), SURGERY),
    e('message_out', at(22, 36), "Oh Maya, I'm sure she is in good hands."),
  ];
})();
const MAYA_LAST_MESSAGE = Date.parse(LAST_EVENING[4]!.at);
const LAST_CONTACT = Date.parse(LAST_EVENING[5]!.at);

// ---- the test ----

// PostgreSQL only: three engine processes share one database (PGlite is one process).
describe.skipIf(!DATABASE_URL)('the whole pipeline: three engine processes, a fake Telegram server', () => {
  const cli = new CliRunner();
  let fake: FakeTelegramServer | undefined;
  let barrierClient: pg.Client | undefined;
  const scratch = useScratchDatabase(DATABASE_URL ?? '', 'e2e', async () => {
    await barrierClient?.end();
    barrierClient = undefined;
    await cli.cleanup();
    await fake?.close();
    fake = undefined;
  });

  it('checks in once on a silent user, a day later, in her usual evening hours, about her sister Luna', async () => {
    // the Chicago offsets this history relies on, as literal instants (CDT until 1 November, then CST)
    expect(chicago(2026, 10, 20, 19, 0).toISOString()).toBe('2026-10-21T00:00:00.000Z');
    expect(chicago(2026, 11, 10, 22, 35).toISOString()).toBe('2026-11-11T04:35:00.000Z');

    fake = await startFakeTelegramServer({ token: TOKEN });
    const clockFile = join(cli.tempDir('overture-e2e-'), 'clock');
    // Monday 19 October 2026, 15:00 in Chicago: the processes know no other time than the file's
    let now = setFileClock(clockFile, chicago(2026, 10, 19, 15, 0)).getTime();
    const setClock = (at: number) => {
      now = setFileClock(clockFile, at).getTime();
    };
    // every process reads the file again within FILE_CLOCK_REFRESH_MS: after that, all see the new time
    const settle = () => new Promise((resolve) => setTimeout(resolve, FILE_CLOCK_REFRESH_MS + 15));

    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    // the secret key seals the channel token: every process has the same
    const secretKey = randomBytes(32).toString('base64');
    const env = (port: number) => ({
      DATABASE_URL: scratch.url,
      PORT: String(port),
      OVERTURE_ADMIN_KEY: KEY,
      OVERTURE_SECRET_KEY: secretKey,
      OVERTURE_TEST_CLOCK_FILE: clockFile,
      OVERTURE_POOL_SIZE: '4',
      OVERTURE_SCHEDULER_INTERVAL_MS: '50',
      LOG_LEVEL: 'warn',
    });
    // one process migrates first, so the other two start on a ready database
    const first = cli.start(['serve'], env(ports[0]!));
    await waitHealthy(first, ports[0]!);
    const others = ports.slice(1).map((port) => cli.start(['serve'], env(port)));
    await Promise.all(others.map((proc, i) => waitHealthy(proc, ports[i + 1]!)));
    const servers: CliProcess[] = [first, ...others];
    let turn = 0;
    /** One call, to the three processes in turn; it must succeed. */
    const call = async (method: string, path: string, body?: unknown) => {
      const i = turn++ % 3;
      const res = await api(ports[i]!, KEY, method, path, body);
      expect(res.status, `${method} ${path} on process ${i}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };

    // ---- set up, with proactive messages off ----
    // quiet at night; one message a day and one a week to a user (the defaults: two and five)
    const rules = {
      quietHours: { start: '22:00', end: '08:00' },
      userCaps: { perDay: 1, perWeek: 1 },
    };
    await call('PUT', '/v1/policy', { allowProactive: false, ...rules });
    await call('PUT', '/v1/characters/aria', { name: 'Aria', voice: { tone: 'warm' } });
    await call('PUT', '/v1/characters/aria/channels/telegram', { token: TOKEN, apiRoot: fake.apiRoot });
    await call('PATCH', '/v1/users/maya', { timezone: ZONE, addresses: { telegram: '1001' } });
    await call('PATCH', '/v1/users/olga', {
      timezone: ZONE,
      addresses: { telegram: '1002' },
      consent: 'opted_out',
    });
    // sam never wrote: aria greeted him once, he never answered
    await call('PATCH', '/v1/users/sam', { timezone: ZONE, addresses: { telegram: '1003' } });

    // ---- three weeks of evenings, then the surgery, then silence ----
    setClock(LAST_CONTACT);
    await settle();
    const history = [
      ...evenings('maya', (i) => i % 6 === 4, 0),
      ...LAST_EVENING,
      ...evenings('olga', (i) => i % 5 === 2, 10),
      {
        id: 'hello-sam',
        kind: 'message_out',
        userId: 'sam',
        characterId: 'aria',
        at: chicago(2026, 11, 5, 20, 0).toISOString(),
        text: "Hi Sam, I'm Aria!",
        channel: 'telegram',
      },
    ];
    for (let i = 0; i < history.length; i += 40) {
      const res = await call('POST', '/v1/events', { events: history.slice(i, i + 40) });
      expect(res.duplicates).toBe(0);
    }
    await call('POST', '/v1/users/maya/facts', {
      text: 'Her sister Luna is having surgery',
      mention: "your sister Luna's surgery",
      salience: 0.9,
    });
    const maya = await call('GET', '/v1/users/maya');
    expect(maya.activity.lastInboundAt).toBe(new Date(MAYA_LAST_MESSAGE).toISOString());
    expect(maya.activity.lastOutboundAt).toBe(new Date(LAST_CONTACT).toISOString());
    const activity = await call('GET', '/v1/users/maya/activity');
    // her model has learnt her evenings, in her own zone
    expect(activity).toMatchObject({ timezone: ZONE, timezoneSource: 'explicit' });
    for (const best of activity.bestHours) expect(best.hour).toBeGreaterThanOrEqual(19);
    for (const best of activity.bestHours) expect(best.hour).toBeLessThan(22);

    // ---- on: the check-in in auto mode, proactive messages allowed, quiet hours and caps ----
    await call('PATCH', '/v1/triggers/idle-check-in', { enabled: true, approval: 'auto' });
    await call('PUT', '/v1/policy', { allowProactive: true, ...rules });

    // ---- three simulated days, a step at a time, each step waited out ----
    barrierClient = new pg.Client({ connectionString: scratch.url });
    await barrierClient.connect();
    const db = barrierClient;
    /** What is still to be done at the clock's time by some process: due or claimed pairs, a re-arm, drafts, sends. */
    const outstanding = async (at: number) => {
      const { rows } = await db.query<{ n: number }>(
        `select
           (select count(*) from pair_schedules where next_due_at <= $1 or claim_token is not null)
         + (select count(*) from tenants where rearm_at is not null)
         + (select count(*) from suggestions where status = 'drafting')
         + (select count(*) from deliveries
             where (status = 'queued' and next_attempt_at <= $1) or status in ('sending', 'handed_off'))
         as n`,
        [new Date(at)],
      );
      return Number(rows[0]!.n);
    };
    const barrier = () =>
      until(
        async () => {
          const dead = servers.find((s) => s.done);
          if (dead) throw new Error(`an engine process exited:\n${dead.output}`);
          return (await outstanding(now)) === 0;
        },
        () => `the engine to finish what is due at ${new Date(now).toISOString()}`,
        { timeoutMs: PATIENCE_MS, intervalMs: 5 },
      );

    const arrivals: { at: number; chatId: string; text: string }[] = [];
    await barrier();
    for (let t = LAST_CONTACT + STEP; t <= LAST_CONTACT + SIMULATED; t += STEP) {
      setClock(t);
      await barrier();
      while (arrivals.length < fake.delivered.length) {
        const m = fake.delivered[arrivals.length]!;
        arrivals.push({ at: t, chatId: m.chatId, text: m.text });
      }
    }

    // ---- exactly one message, to maya, about Luna, a day after she fell silent, in her evening ----
    expect(
      arrivals.map((a) => ({ ...a, at: describeChicago(a.at) })),
      'the messages the fake Telegram server received',
    ).toHaveLength(1);
    expect(fake.requests.filter((r) => r.route === 'sendMessage')).toHaveLength(1);
    const [arrival] = arrivals;
    expect(arrival!.chatId).toBe('1001');
    expect(arrival!.text).toContain('Luna');
    expect(arrival!.at - MAYA_LAST_MESSAGE).toBeGreaterThanOrEqual(DAY);
    const local = chicagoWall(arrival!.at);
    expect(local.hour, describeChicago(arrival!.at)).toBeGreaterThanOrEqual(19);
    expect(local.hour, describeChicago(arrival!.at)).toBeLessThan(22);

    // the suggestion, its delivery and the decision that made it, over the API
    const list = await call('GET', '/v1/suggestions?userId=maya');
    expect(list.suggestions).toHaveLength(1);
    const suggestion = await call('GET', `/v1/suggestions/${list.suggestions[0].suggestionId}`);
    expect(suggestion).toMatchObject({
      status: 'sent',
      userId: 'maya',
      characterId: 'aria',
      triggerId: 'idle-check-in',
      approval: 'auto',
      text: arrival!.text,
    });
    expect(suggestion.topic.mention).toContain('Luna');
    expect(suggestion.deliveries).toHaveLength(1);
    const delivery = suggestion.deliveries[0];
    expect(delivery).toMatchObject({ channel: 'telegram', address: '1001', status: 'sent', attempts: 1 });
    expect(delivery.attemptLog).toMatchObject([{ attempt: 1, outcome: 'sent' }]);
    // time stood still during the step: the send is stamped with the step's instant
    expect(delivery.sentAt).toBe(new Date(arrival!.at).toISOString());
    // the decision says why: every gate passed, at a good hour of hers, out of quiet hours, within the caps
    expect(suggestion.decision).toMatchObject({ action: 'send', suggestionId: suggestion.suggestionId });
    const checks = new Map<string, { passed: boolean; note: string }>(
      suggestion.decision.trace.map((c: { check: string; passed: boolean; note: string }) => [c.check, c]),
    );
    for (const name of [
      'allow_proactive',
      'consent',
      'user_wrote_first',
      'backoff',
      'time_zone',
      'expiry',
      'quiet_hours',
      'user_caps',
      'character_caps',
      'good_time',
    ])
      expect(checks.get(name), `${name} in ${JSON.stringify(suggestion.decision.trace)}`).toMatchObject({
        passed: true,
      });
    expect(checks.get('time_zone')!.note).toBe('zone_given');
    expect(checks.get('good_time')!.note).toBe('good_now');
    expect(suggestion.decision.occasion).toMatchObject({
      triggerId: 'idle-check-in',
      at: new Date(LAST_CONTACT + DAY).toISOString(),
    });

    // maya's state shows the message sent as aria's last message to her
    const after = await call('GET', '/v1/users/maya');
    expect(after.activity.lastOutboundAt).toBe(delivery.sentAt);
    expect(after.characters[0].activity.lastOutboundAt).toBe(delivery.sentAt);

    // what maya's pair was decided, newest first
    const decisions = (await call('GET', '/v1/decisions?userId=maya&limit=100')).decisions as {
      decidedAt: string;
      action: string;
      reason: string | null;
      until: string | null;
      trace: { check: string; passed: boolean; note: string; until?: string }[];
    }[];
    // the day of silence ended at 22:36, in quiet hours, so the check-in was deferred to her next
    // good hour, Thursday 19:00, and sent at the first step from then
    const deferred = decisions.filter((d) => d.action === 'defer');
    expect(deferred).toHaveLength(1);
    const [defer] = deferred;
    expect(defer!.decidedAt).toBe(new Date(LAST_CONTACT + DAY).toISOString());
    expect(defer!.trace.find((c) => c.check === 'quiet_hours')).toMatchObject({
      passed: false,
      note: 'blocked',
      until: chicago(2026, 11, 12, 8, 0).toISOString(),
    });
    expect(defer!.trace.find((c) => c.check === 'good_time')).toMatchObject({
      passed: false,
      note: 'next_good_hour',
    });
    const deferredTo = Date.parse(defer!.until!);
    expect(describeChicago(deferredTo)).toBe('Thu 11-12 19:00');
    expect(arrival!.at).toBe(LAST_CONTACT + Math.ceil((deferredTo - LAST_CONTACT) / STEP) * STEP);

    // a day after it the check-in was due again (still silent), and the week's cap held it back
    const sentAt = Date.parse(delivery.sentAt);
    const later = decisions.filter((d) => Date.parse(d.decidedAt) > sentAt);
    expect(later.length).toBeGreaterThan(0);
    expect(later.map((d) => d.action)).not.toContain('send');
    expect(later.map((d) => d.reason)).toEqual(later.map(() => 'user_caps'));
    expect(later[0]!.trace.find((c) => c.check === 'user_caps')).toMatchObject({
      passed: false,
      note: 'blocked',
      // until the week is over: Monday 00:00 in Chicago
      until: chicago(2026, 11, 16, 0, 0).toISOString(),
    });

    // nobody else: olga opted out, sam never wrote
    for (const [userId, reason] of [
      ['olga', 'consent'],
      ['sam', 'user_wrote_first'],
    ] as const) {
      expect((await call('GET', `/v1/suggestions?userId=${userId}`)).suggestions).toEqual([]);
      const theirs = (await call('GET', `/v1/decisions?userId=${userId}&limit=100`)).decisions;
      expect(theirs.length, `decisions for ${userId}`).toBeGreaterThan(0);
      expect(theirs.map((d: { reason: string }) => d.reason)).toEqual(theirs.map(() => reason));
    }

    // ---- and she answers it gladly: the reply and her 👍 are tracked as such (issue 17) ----
    const repliedAt = new Date(arrival!.at + 4 * MINUTE).toISOString();
    await call('POST', '/v1/events', {
      events: [
        {
          id: 'tg-reply',
          kind: 'message_in',
          userId: 'maya',
          characterId: 'aria',
          at: repliedAt,
          text: "aw thanks, yes she's doing better!",
          channel: 'telegram',
        },
        {
          id: 'tg-thumb',
          kind: 'reaction',
          userId: 'maya',
          characterId: 'aria',
          at: repliedAt,
          suggestionId: suggestion.suggestionId,
          emoji: '👍',
        },
      ],
    });
    const answered = await call('GET', `/v1/suggestions/${suggestion.suggestionId}`);
    expect(answered.outcome).toMatchObject({
      status: 'replied',
      repliedAt,
      replyEventId: 'tg-reply',
      latencySeconds: 4 * 60,
      meaning: 'engaged',
      feedback: { score: 1, emoji: '👍' },
    });

    // every process took part (each served events) and none logged an error
    for (const [i, proc] of servers.entries()) {
      const metrics = await fetch(`http://127.0.0.1:${ports[i]}/metrics`, {
        headers: { authorization: `Bearer ${KEY}` },
      }).then((r) => r.text());
      expect(metrics).toMatch(/overture_events_ingested_total\{[^}]*\} [1-9]/);
      const lines = logLines(proc.output);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(lines.some((l) => l.level === 40 && /OVERTURE_TEST_CLOCK_FILE/.test(l.msg))).toBe(true);
    }

    for (const proc of servers) proc.child.kill('SIGTERM');
    for (const proc of servers) expect(await proc.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
