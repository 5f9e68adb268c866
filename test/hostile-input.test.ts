import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OvertureError } from '../src/contract/errors.js';
import { NESTING_RULE, STORABLE_TEXT_RULE } from '../src/contract/storable-input.js';
import { BACKENDS } from './helpers/backends.js';
import { event, startTestServer, type TestServer } from './helpers/test-server.js';

/** Strings and bodies PostgreSQL or the JSON parser refuse: each a 400 naming the field and the rule. */
describe.each(BACKENDS)('hostile input on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
    const res = await t.request({ method: 'POST', url: '/v1/events', payload: { events: [event()] } });
    expect(res.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const json = (method: 'POST' | 'PUT' | 'PATCH', url: string, text: string) =>
    t.request({ method, url, headers: { 'content-type': 'application/json' }, payload: text });
  const expectIssues = (res: { status: number; body: any }, issues: object[]) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.issues).toEqual(issues);
  };
  const counts = async () => {
    const db = t.server.engine.database.db;
    const count = async (table: 'events' | 'users' | 'facts') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { events: await count('events'), users: await count('users'), facts: await count('facts') };
  };

  it('refuses NUL and lone surrogates anywhere in a body, naming the path, and writes nothing', async () => {
    const before = await counts();
    const note = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: { events: [event({ id: 'e2' }), event({ id: 'e3', meta: { note: 'a\u0000b' } })] },
    });
    expectIssues(note, [{ path: 'events[1].meta.note', index: 1, field: 'note', rule: STORABLE_TEXT_RULE }]);
    // JSON.stringify writes a lone surrogate as the escape \ud800, which jsonb refuses
    const text = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: { events: [event({ id: 'e4', text: 'x\ud800' })] },
    });
    expectIssues(text, [{ path: 'events[0].text', index: 0, field: 'text', rule: STORABLE_TEXT_RULE }]);
    const key = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: { events: [event({ id: 'e5', meta: { 'k\u0000': 1 } })] },
    });
    expectIssues(key, [
      { path: 'events[0].meta', index: 0, field: 'meta', rule: `keys ${STORABLE_TEXT_RULE}` },
    ]);
    const fact = await t.request({
      method: 'POST',
      url: '/v1/users/u1/facts',
      payload: { text: '\udc00 dog' },
    });
    expectIssues(fact, [{ path: 'text', field: 'text', rule: STORABLE_TEXT_RULE }]);
    const address = await t.request({
      method: 'PATCH',
      url: '/v1/users/u1',
      payload: { addresses: { telegram: '1\u00002' } },
    });
    expectIssues(address, [{ path: 'addresses.telegram', field: 'telegram', rule: STORABLE_TEXT_RULE }]);
    // jsonb's parser recurses: a few thousand levels were a 500
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const nested = await json(
      'POST',
      '/v1/events',
      `{"events":[${JSON.stringify(event({ id: 'e7' })).slice(0, -1)},"meta":${deep}}]}`,
    );
    expect(nested.status, JSON.stringify(nested.body).slice(0, 300)).toBe(400);
    expect(nested.body.error.issues).toMatchObject([{ index: 0, rule: NESTING_RULE }]);
    expect(nested.body.error.issues[0].path).toMatch(/^events\[0\]\.meta(\.a)+$/);
    // a paired surrogate (an emoji) is fine
    const emoji = await t.request({
      method: 'POST',
      url: '/v1/events',
      payload: { events: [event({ id: 'e6', text: 'hi 😀' })] },
    });
    expect(emoji.status).toBe(200);
    expect(await counts()).toEqual({ ...before, events: before.events + 1 });
  });

  it('refuses NUL in path ids and query parameters, list cursors included', async () => {
    const id = await t.request({ method: 'GET', url: '/v1/users/a%00b' });
    expectIssues(id, [{ path: 'userId', field: 'userId', rule: STORABLE_TEXT_RULE }]);
    const cursor = await t.request({ method: 'GET', url: '/v1/users?after=%00' });
    expectIssues(cursor, [{ path: 'query.after', field: 'after', rule: STORABLE_TEXT_RULE }]);
    const before = await t.request({ method: 'GET', url: '/v1/users/u1/facts?before=x%00' });
    expectIssues(before, [{ path: 'query.before', field: 'before', rule: STORABLE_TEXT_RULE }]);
    // bytes that are not UTF-8 (a lone surrogate's, or %FF) are refused by the router, in our shape
    const bytes = await t.request({ method: 'GET', url: '/v1/users/%ED%A0%80' });
    expectIssues(bytes, [{ path: 'url', rule: 'must be percent-encoded UTF-8' }]);
    const long = await t.request({ method: 'GET', url: `/v1/users/${'x'.repeat(600)}` });
    expect(long.status).toBe(414);
    expect(long.body.error.issues).toEqual([
      { path: 'url', rule: 'path segments must be at most 512 characters' },
    ]);
  });

  it('names a __proto__ or constructor.prototype key and where it is, instead of "not valid JSON"', async () => {
    const proto = await json(
      'POST',
      '/v1/events',
      '{"events":[{"id":"p1","meta":{"__proto__":{"admin":true}}}]}',
    );
    expectIssues(proto, [
      {
        path: 'events[0].meta.__proto__',
        field: '__proto__',
        rule: expect.stringMatching(/^is not allowed/),
      },
    ]);
    const escaped = await json('PATCH', '/v1/users/u1', '{"\\u005f_proto__":{}}');
    expectIssues(escaped, [
      { path: '__proto__', field: '__proto__', rule: expect.stringMatching(/^is not allowed/) },
    ]);
    const ctor = await json('PUT', '/v1/policy', '{"constructor":{"prototype":{"allowProactive":true}}}');
    expectIssues(ctor, [
      { path: 'constructor.prototype', field: 'prototype', rule: expect.stringMatching(/^is not allowed/) },
    ]);
    // "constructor" as a plain key (a meta field) is data, not a prototype
    const plain = await json(
      'POST',
      '/v1/events',
      JSON.stringify({ events: [event({ id: 'p2', meta: { constructor: 'x' } })] }),
    );
    expect(plain.status).toBe(200);
  });

  it('names the body when it is empty, not JSON, or not an object', async () => {
    expectIssues(await json('PUT', '/v1/policy', ''), [
      { path: 'body', rule: 'must not be empty when Content-Type is application/json' },
    ]);
    const syntax = await json('PUT', '/v1/policy', '{"a":');
    expect(syntax.body.error.issues).toMatchObject([
      { path: 'body', rule: expect.stringMatching(/^must be valid JSON/) },
    ]);
    expectIssues(await json('PUT', '/v1/policy', 'null'), [{ path: 'body', rule: 'must be an object' }]);
  });

  it('applies the same rule to library calls', async () => {
    const tenant = t.server.engine.forTenant('default');
    const error = await tenant
      .ingest([{ ...event({ id: 'lib' }), kind: 'message_in', text: 'a\u0000' }])
      .catch((e) => e);
    expect(error).toBeInstanceOf(OvertureError);
    expect(error.issues).toEqual([
      { path: 'events[0].text', index: 0, field: 'text', rule: STORABLE_TEXT_RULE },
    ]);
  });
});
