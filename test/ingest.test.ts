import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBatch } from '../src/contract/event.schema.js';
import { BACKENDS } from './helpers/backends.js';
import { event, startTestServer, type TestServer } from './helpers/test-server.js';

describe.each(BACKENDS)('event ingest on %s', (backend) => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer(backend);
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (payload: unknown) =>
    t.request({ method: 'POST', url: '/v1/events', payload: payload as object });
  const user = (id = 'u1') => t.request({ method: 'GET', url: `/v1/users/${id}` });

  it('accepts a single event and creates its user and character on first sight', async () => {
    const res = await post(event());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 1,
      duplicates: 0,
      results: [{ id: 'e1', userId: 'u1', status: 'accepted' }],
      signals: [],
    });
    const u = await user();
    expect(u.status).toBe(200);
    expect(u.body.activity).toMatchObject({
      inboundCount: 1,
      eventCount: 1,
      lastInboundAt: '2026-11-23T10:00:00.000Z',
    });
    const c = await t.request({ method: 'GET', url: '/v1/characters/aria' });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ characterId: 'aria', name: null, proactiveEnabled: true });
  });

  it('treats a re-sent id as a duplicate that changes nothing', async () => {
    await post(event());
    const again = await post({ events: [event({ text: 'changed' }), event({ id: 'e2' })] });
    expect(again.status).toBe(200);
    expect(again.body.accepted).toBe(1);
    expect(again.body.duplicates).toBe(1);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'accepted']);
    expect((await user()).body.activity.inboundCount).toBe(2);
  });

  it('counts an id repeated inside one batch once', async () => {
    const res = await post({ events: [event(), event(), event({ id: 'e2' })] });
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'duplicate',
      'accepted',
    ]);
    expect((await user()).body.activity.eventCount).toBe(2);
  });

  it('scopes event ids per user: the same id from two users is two events', async () => {
    const res = await post({ events: [event({ userId: 'a' }), event({ userId: 'b' })] });
    expect(res.body.accepted).toBe(2);
  });

  it('keeps per-user and per-character state right whatever order events arrive in', async () => {
    const events = [
      event({ id: 'late', at: '2026-11-23T10:30:00Z', kind: 'message_in' }),
      event({ id: 'out', at: '2026-11-23T10:31:00Z', kind: 'message_out', characterId: 'bob' }),
      event({ id: 's1', at: '2026-11-23T08:00:00Z', kind: 'session_start' }),
      event({ id: 's2', at: '2026-11-23T08:40:00Z', kind: 'session_end' }),
    ];
    await post({ events: [events[0], events[1]] });
    await post({ events: [events[2], events[3], event({ id: 'early', at: '2026-11-22T09:00:00Z' })] });
    const { body } = await user();
    expect(body.activity).toEqual({
      firstEventAt: '2026-11-22T09:00:00.000Z',
      lastEventAt: '2026-11-23T10:31:00.000Z',
      lastActivityAt: '2026-11-23T10:30:00.000Z',
      lastInboundAt: '2026-11-23T10:30:00.000Z',
      lastOutboundAt: '2026-11-23T10:31:00.000Z',
      lastSessionStartAt: '2026-11-23T08:00:00.000Z',
      lastSessionEndAt: '2026-11-23T08:40:00.000Z',
      inboundCount: 2,
      outboundCount: 1,
      sessionCount: 1,
      eventCount: 5,
    });
    expect(body.characters.map((c: { characterId: string }) => c.characterId)).toEqual(['aria', 'bob']);
    const aria = body.characters[0].activity;
    expect(aria).toMatchObject({ eventCount: 4, outboundCount: 0, lastOutboundAt: null, inboundCount: 2 });
    expect(body.characters[1].activity).toMatchObject({
      eventCount: 1,
      outboundCount: 1,
      lastInboundAt: null,
    });
  });

  it("does not count the bot's own messages as the user being active", async () => {
    await post(event({ kind: 'message_out', at: '2026-11-23T11:30:00Z' }));
    const { body } = await user();
    expect(body.activity.lastActivityAt).toBeNull();
    expect(body.activity.lastOutboundAt).toBe('2026-11-23T11:30:00.000Z');
  });

  it('rejects a batch with one bad item whole, naming the index, the field and the rule', async () => {
    const res = await post({ events: [event({ id: 'good' }), event({ id: 'bad', at: '2026-11-23 11:00' })] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.issues).toEqual([
      {
        path: 'events[1].at',
        index: 1,
        field: 'at',
        rule: 'must be an ISO 8601 date-time with a UTC offset, e.g. 2026-11-23T18:00:00+01:00',
      },
    ]);
    expect(res.body.error.message).toContain('events[1].at');
    expect((await user()).status).toBe(404);
  });

  it.each([
    ['an unknown kind', { kind: 'message' }, 'kind', 'must be one of'],
    ['a missing userId', { userId: undefined }, 'userId', 'is required'],
    ['a user id with a slash', { userId: 'a/b' }, 'userId', 'must be 1-128 characters'],
    ['a custom event without a name', { kind: 'custom' }, 'name', 'is required when kind is "custom"'],
    ['a name on a non-custom event', { name: 'x' }, 'name', 'is only allowed when kind is "custom"'],
    ['an unknown field', { user_id: 'u1' }, 'user_id', 'is not a known field'],
    ['text over 8000 characters', { text: 'x'.repeat(8001) }, 'text', 'must be at most 8000 characters'],
    [
      'meta over 8192 bytes',
      { meta: { blob: 'x'.repeat(8200) } },
      'meta',
      'must be at most 8192 bytes as JSON',
    ],
    ['meta that is not an object', { meta: [1, 2] }, 'meta', 'must be an object'],
    ['a time without an offset', { at: '2026-11-23T11:00:00' }, 'at', 'with a UTC offset'],
  ])('rejects %s with 400', async (_name, overrides, field, rule) => {
    const res = await post({ events: [event({ id: 'ok' }), event(overrides)] });
    expect(res.status).toBe(400);
    const issue = res.body.error.issues.find((i: { field?: string }) => i.field === field);
    expect(issue).toMatchObject({ index: 1, field });
    expect(issue.rule).toContain(rule);
  });

  it('rejects an event more than 5 minutes in the future of the engine clock', async () => {
    const res = await post({ events: [event({ at: '2026-11-23T12:06:00Z' })] });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({
      path: 'events[0].at',
      rule: expect.stringContaining('future'),
    });
    expect((await post(event({ at: '2026-11-23T12:04:00Z' }))).status).toBe(200);
  });

  it('checks a batch once on its way from the request to the use case', async () => {
    const parse = vi.spyOn(EventBatch, 'safeParse');
    try {
      const events = Array.from({ length: 1000 }, (_, i) => event({ id: `e${i}`, userId: `u${i % 40}` }));
      const res = await post({ events });
      expect(res.body).toMatchObject({ accepted: 1000, duplicates: 0 });
      expect(parse).toHaveBeenCalledTimes(1);
      // the library's own calls are parsed, as they always were
      await t.server.engine.forTenant('default').ingest({ ...event({ id: 'e1000' }), kind: 'message_in' });
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }
  });

  it('limits a batch to 1000 events', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => event({ id: `e${i}`, text: undefined }));
    const res = await post({ events });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({
      path: 'events',
      rule: 'must contain at most 1000 items',
    });
    expect((await post({ events: events.slice(0, 1000) })).body.accepted).toBe(1000);
  });

  it('rejects an empty batch and a body that is not an event', async () => {
    expect((await post({ events: [] })).body.error.issues[0].rule).toBe('must contain at least 1 items');
    expect((await post([event()])).status).toBe(400);
    const junk = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: '{"events": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(junk.status).toBe(400);
    expect(junk.body.error.code).toBe('invalid_request');
  });

  it('answers 413 to a body over the limit, and stores nothing', async () => {
    const small = await startTestServer(backend, { eventsBodyLimit: 4096 });
    try {
      const events = Array.from({ length: 20 }, (_, i) => event({ id: `e${i}`, text: 'x'.repeat(300) }));
      const res = await small.request({ method: 'POST', url: '/v1/events', payload: { events } });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
      expect((await small.request({ method: 'GET', url: '/v1/users/u1' })).status).toBe(404);
    } finally {
      await small.close();
    }
  });

  it('stores concurrent overlapping batches completely, without deadlock or double counting', async () => {
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 200 }, (_, i) =>
        // users overlap across batches, in a different order in each; ids repeat across pairs of batches
        event({
          id: `e${(b % 3) * 200 + i}`,
          userId: `u${(i * (b + 1)) % 37}`,
          characterId: `c${b % 2}`,
          text: undefined,
        }),
      ),
    );
    const results = await Promise.all(batches.map((events) => post({ events })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const accepted = results.reduce((n, r) => n + r.body.accepted, 0);
    const distinct = new Set(batches.flat().map((e) => `${e.userId}/${e.id}`)).size;
    expect(accepted).toBe(distinct);
    let total = 0;
    for (let u = 0; u < 37; u++) {
      const res = await user(`u${u}`);
      if (res.status === 200) total += res.body.activity.eventCount;
    }
    expect(total).toBe(distinct);
  });
});
