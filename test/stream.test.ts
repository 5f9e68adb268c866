import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from '../src/app/create-server.js';
import type { ConfigInput } from '../src/config/config.js';
import type { StreamEvent } from '../src/contract/stream-event.js';
import type { EngineEventMap } from '../src/engine/kernel/events.js';
import type { NotifyChannel } from '../src/storage/connection/notify.js';
import { openPostgres } from '../src/storage/connection/postgres.js';
import { BACKENDS, openTestDatabase, POSTGRES_URL } from './helpers/backends.js';
import { PATIENCE_MS } from './helpers/patience.js';
import { StreamClient } from './helpers/stream-client.js';
import { ADMIN_KEY, startTestServer, type TestServer } from './helpers/test-server.js';

const created = (n: number, over: Partial<EngineEventMap['suggestion.created']> = {}) => ({
  tenantId: 'default',
  suggestionId: `sug-${n}`,
  userId: 'u1',
  characterId: 'aria',
  triggerId: 'idle-check-in',
  approval: 'auto' as const,
  ...over,
});
const updated = (n: number, over: Partial<EngineEventMap['suggestion.updated']> = {}) => ({
  tenantId: 'default',
  suggestionId: `sug-${n}`,
  userId: 'u1',
  characterId: 'aria',
  status: 'approved' as const,
  reason: null,
  text: `Hi there (${n})`,
  ...over,
});
const delivery = (n: number, over: Partial<EngineEventMap['delivery.updated']> = {}) => ({
  tenantId: 'default',
  deliveryId: `del-${n}`,
  suggestionId: `sug-${n}`,
  userId: 'u1',
  characterId: 'aria',
  channel: 'stream' as const,
  address: 'chat-1',
  audience: 'private' as const,
  status: 'handed_off' as const,
  attempts: 1,
  reason: null,
  text: `Hi there (${n})`,
  choices: null,
  ...over,
});

/** ws://127.0.0.1:<port>/v1/stream of a server, listening on a free port. */
async function streamUrl(server: Server): Promise<string> {
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return `${address.replace(/^http/, 'ws')}/v1/stream`;
}

describe.each(BACKENDS)('the live stream on %s', (backend) => {
  let t: TestServer | undefined;
  let url = '';
  const clients: StreamClient[] = [];

  const start = async (config: ConfigInput = {}) => {
    t = await startTestServer(backend, config);
    url = await streamUrl(t.server);
    return t;
  };
  const connect = async (key: string | undefined, options = {}) => {
    const client = await StreamClient.connect(url, { key, ...options });
    clients.push(client);
    return client;
  };
  const ready = async (key = ADMIN_KEY, options = {}) => {
    const client = await StreamClient.ready(url, key, options);
    clients.push(client);
    return client;
  };
  const emit = <K extends keyof EngineEventMap>(name: K, payload: EngineEventMap[K]) =>
    t!.server.engine.events.emit(name, payload);
  const createKey = async (scopes: string[]) => {
    const res = await t!.request({ method: 'POST', url: '/v1/keys', payload: { name: 'k', scopes } });
    expect(res.status).toBe(201);
    return res.body as { key: string; keyId: string };
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    await t?.close();
    t = undefined;
  });

  it('carries a real suggestion through approval to a bot that sends it itself, which reports back', async () => {
    await start({ secretKey: Buffer.alloc(32, 7).toString('base64') });
    const ok = async (options: Parameters<TestServer['request']>[0]) => {
      const res = await t!.request(options);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res.body;
    };
    await ok({ method: 'PUT', url: '/v1/characters/aria', payload: {} });
    await ok({ method: 'PUT', url: '/v1/characters/aria/channels/stream', payload: {} });
    await ok({
      method: 'PUT',
      url: '/v1/policy',
      payload: { allowProactive: true, quietHours: null, midConversationMinutes: 0, minGapMinutes: 0 },
    });
    await ok({
      method: 'POST',
      url: '/v1/triggers',
      payload: { id: 'hand', name: 'By hand', spec: { kind: 'event', event: 'x' }, approval: 'suggest' },
    });
    await ok({
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'hi',
        kind: 'message_in',
        userId: 'u1',
        characterId: 'aria',
        at: t!.clock.now().toISOString(),
      },
    });
    const client = await ready();
    client.send({ type: 'subscribe', events: ['suggestion.updated', 'delivery.updated'] });
    expect((await client.next()).type).toBe('subscribed');
    await ok({
      method: 'POST',
      url: '/v1/triggers/hand/fire',
      payload: { userId: 'u1', characterId: 'aria' },
    });
    await t!.server.engine.sweep();
    const pending = await client.next();
    expect(pending).toMatchObject({ type: 'suggestion.updated', data: { status: 'pending', userId: 'u1' } });
    await ok({
      method: 'POST',
      url: `/v1/suggestions/${pending.data.suggestionId}/approve`,
      payload: { text: 'Hello from the bot!' },
    });
    expect(await client.next()).toMatchObject({ type: 'suggestion.updated', data: { status: 'approved' } });
    expect(await client.next()).toMatchObject({ type: 'delivery.updated', data: { status: 'queued' } });
    await t!.server.engine.deliver();
    const seen = await client.take(3);
    expect(seen.map((m) => `${m.type}:${m.data.status}`)).toEqual([
      'delivery.updated:sending',
      'suggestion.updated:sending',
      'delivery.updated:handed_off',
    ]);
    const handedOff = seen[2].data;
    expect(handedOff).toMatchObject({ channel: 'stream', address: 'u1', text: 'Hello from the bot!' });
    await ok({
      method: 'POST',
      url: `/v1/deliveries/${handedOff.deliveryId}/report`,
      payload: { status: 'sent', externalId: 'm-9' },
    });
    expect((await client.take(2)).map((m) => `${m.type}:${m.data.status}`)).toEqual([
      'delivery.updated:sent',
      'suggestion.updated:sent',
    ]);
  });

  it('authenticates a bot by its Authorization header and says which tenant it streams', async () => {
    await start();
    const client = await connect(ADMIN_KEY);
    expect(await client.next()).toEqual({ type: 'ready', tenantId: 'default' });
  });

  it('authenticates a browser by its first message, then streams', async () => {
    await start();
    const client = await connect(undefined);
    client.send({ type: 'auth', key: ADMIN_KEY });
    expect(await client.next()).toEqual({ type: 'ready', tenantId: 'default' });
    emit('suggestion.created', created(1));
    expect(await client.next()).toMatchObject({ type: 'suggestion.created', data: created(1) });
  });

  it('closes with 4401 on an unknown key, in the header or in the auth message', async () => {
    await start();
    const byHeader = await connect('not-a-key-0123456789');
    expect(await byHeader.closure()).toEqual({ code: 4401, reason: 'unknown API key' });
    const byMessage = await connect(undefined);
    byMessage.send({ type: 'auth', key: 'not-a-key-0123456789' });
    expect(await byMessage.closure()).toEqual({ code: 4401, reason: 'unknown API key' });
    const notAuth = await connect(undefined);
    notAuth.send({ type: 'subscribe', events: ['suggestion.created'] });
    expect(await notAuth.closure()).toMatchObject({ code: 4401, reason: expect.stringContaining('"auth"') });
    expect([...byHeader.received, ...byMessage.received, ...notAuth.received]).toEqual([]);
  });

  it('never takes a key from the query string', async () => {
    await start();
    const client = await StreamClient.connect(`${url}?key=${ADMIN_KEY}`);
    clients.push(client);
    expect(await client.closure()).toMatchObject({
      code: 4401,
      reason: expect.stringContaining('not accepted in the query string'),
    });
    expect(client.received).toEqual([]);
  });

  it('closes with 4403 for a key without the read scope', async () => {
    await start();
    const { key } = await createKey(['write']);
    const client = await connect(key);
    expect(await client.closure()).toEqual({
      code: 4403,
      reason: 'this key lacks the "read" scope the stream needs',
    });
  });

  it('closes with 4401 when no auth message comes within the timeout', async () => {
    await start({ streamAuthTimeoutMs: 50 });
    const client = await connect(undefined);
    expect(await client.closure()).toEqual({ code: 4401, reason: 'no auth message within 50 ms' });
  });

  it("sends the tenant's events in the order they were emitted, as {type, data, at}", async () => {
    await start();
    const client = await ready();
    const sent: StreamEvent[] = [];
    for (let n = 1; n <= 10; n++) {
      t!.clock.advance({ seconds: 1 });
      const at = t!.clock.now().toISOString();
      emit('suggestion.created', created(n));
      emit('suggestion.updated', updated(n));
      emit('delivery.updated', delivery(n));
      sent.push(
        { type: 'suggestion.created', data: created(n), at },
        { type: 'suggestion.updated', data: updated(n), at },
        { type: 'delivery.updated', data: delivery(n), at },
      );
    }
    expect(await client.take(sent.length)).toEqual(sent);
  });

  it("never sends a tenant another tenant's events", async () => {
    await start();
    const b = await t!.server.engine.createTenant({ tenantId: 'tenant-b' });
    const ofA = await ready(ADMIN_KEY);
    const ofB = await ready(b.adminKey.key);
    emit('suggestion.created', created(1));
    emit('suggestion.updated', updated(1));
    emit('delivery.updated', delivery(1));
    const marker = created(2, { tenantId: 'tenant-b', userId: 'carol' });
    emit('suggestion.created', marker);
    // events reach a client in the order they were emitted: the marker is B's first
    expect(await ofB.next()).toMatchObject({ type: 'suggestion.created', data: marker });
    expect((await ofA.take(3)).map((m) => m.data.tenantId)).toEqual(['default', 'default', 'default']);
    emit('suggestion.created', created(3));
    expect(await ofA.next()).toMatchObject({ data: created(3) });
  });

  it('narrows to the events, user and character a subscribe message names, and widens again', async () => {
    await start();
    const client = await ready();
    client.send({
      type: 'subscribe',
      events: ['delivery.updated', 'suggestion.updated'],
      userId: 'u2',
      characterId: 'aria',
    });
    expect(await client.next()).toEqual({
      type: 'subscribed',
      events: ['delivery.updated', 'suggestion.updated'],
      userId: 'u2',
      characterId: 'aria',
    });
    emit('suggestion.created', created(1, { userId: 'u2' })); // another event
    emit('delivery.updated', delivery(2)); // another user
    emit('delivery.updated', delivery(3, { userId: 'u2', characterId: 'nova' })); // another character
    emit('suggestion.updated', updated(4, { userId: 'u2' }));
    emit('delivery.updated', delivery(5, { userId: 'u2' }));
    expect((await client.take(2)).map((m) => [m.type, m.data.suggestionId])).toEqual([
      ['suggestion.updated', 'sug-4'],
      ['delivery.updated', 'sug-5'],
    ]);
    client.send({ type: 'subscribe', events: ['suggestion.created'] });
    expect(await client.next()).toEqual({
      type: 'subscribed',
      events: ['suggestion.created'],
      userId: null,
      characterId: null,
    });
    emit('suggestion.updated', updated(6));
    emit('suggestion.created', created(7, { userId: 'u9' }));
    expect(await client.next()).toMatchObject({
      type: 'suggestion.created',
      data: { suggestionId: 'sug-7' },
    });
  });

  it('answers a bad message with an error naming the field and the rule, and stays open', async () => {
    await start();
    const client = await ready();
    client.send({ type: 'subscribe', events: ['suggestion.created', 'nope'] });
    expect(await client.next()).toMatchObject({
      type: 'error',
      message:
        'events[1] must be one of "suggestion.created", "suggestion.updated", "delivery.updated", "outcome.recorded", "user.opted_out", "funnel.updated"',
      issues: [{ path: 'events[1]', index: 1, rule: expect.any(String) }],
    });
    client.send({ type: 'subscribe', events: [] });
    expect((await client.next()).message).toMatch(/^events must name at least one event/);
    client.send({ type: 'subscribe', events: ['delivery.updated'], userId: 'has space', extra: 1 });
    expect((await client.next()).message).toMatch(/^userId must be 1-128 characters.*\(and 1 more\)$/);
    client.send({ type: 'unsubscribe' });
    expect((await client.next()).message).toBe(
      'type must be "subscribe" (or "auth" as the first message); got "unsubscribe"',
    );
    client.send('not json');
    expect(await client.next()).toEqual({ type: 'error', message: 'message must be a JSON object as text' });
    client.send({ type: 'auth', key: ADMIN_KEY });
    expect((await client.next()).message).toBe('type: this connection is already authenticated');
    // still open, and still unfiltered
    emit('delivery.updated', delivery(1));
    expect(await client.next()).toMatchObject({ type: 'delivery.updated' });
  });

  it('unsubscribes a client that goes away, leaving no listener behind', async () => {
    await start();
    const { stream } = t!.server.engine;
    expect(stream.listenerCount()).toBe(0);
    const first = await ready();
    const second = await ready();
    expect(stream.listenerCount()).toBe(2);
    await first.close();
    second.ws.terminate();
    await second.closure();
    await vi.waitFor(() => expect(stream.listenerCount()).toBe(0), { timeout: PATIENCE_MS });
    // and one that leaves before its key was checked subscribes nothing
    const early = await connect(undefined);
    early.send({ type: 'auth', key: ADMIN_KEY });
    early.ws.terminate();
    await early.closure();
    const later = await ready();
    await vi.waitFor(() => expect(stream.listenerCount()).toBe(1), { timeout: PATIENCE_MS });
    await later.close();
    await vi.waitFor(() => expect(stream.listenerCount()).toBe(0), { timeout: PATIENCE_MS });
  });

  it('closes every client with 1001 when the server shuts down', async () => {
    const { server } = await start();
    const bot = await ready();
    const browser = await connect(undefined);
    browser.send({ type: 'auth', key: ADMIN_KEY });
    expect((await browser.next()).type).toBe('ready');
    const unauthenticated = await connect(undefined);
    await server.close();
    for (const client of [bot, browser, unauthenticated])
      expect(await client.closure()).toEqual({ code: 1001, reason: 'server is shutting down' });
    expect(server.engine.stream.listenerCount()).toBe(0);
  });

  it('cuts a client that stops answering pings, and keeps one that answers', async () => {
    await start({ streamHeartbeatMs: 100 });
    const silent = await ready(ADMIN_KEY, { autoPong: false });
    const healthy = await ready();
    expect((await silent.closure()).code).toBe(1006); // terminated: no close frame
    // the healthy one answered every ping meanwhile
    emit('suggestion.created', created(1));
    expect(await healthy.next()).toMatchObject({ type: 'suggestion.created' });
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
  });

  it('closes with 1013 a client that lets more than the limit pile up unread', async () => {
    await start({ streamMaxBufferedBytes: 64 * 1024 });
    const slow = await ready();
    // stop reading: the kernel's buffers fill, then the server's own
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const [socket] = [...t!.server.app.websocketServer.clients];
    const text = 'x'.repeat(4096);
    let n = 0;
    while (socket!.readyState === socket!.OPEN && n < 50_000)
      emit('delivery.updated', delivery(n++, { text }));
    expect(socket!.readyState).toBe(socket!.CLOSING);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closure(PATIENCE_MS)).toEqual({
      code: 1013,
      reason: 'client reads too slowly: over 65536 bytes unread',
    });
    // what it had not been sent when it was closed never was
    expect(slow.received.filter((m) => m.type === 'delivery.updated').length).toBeLessThan(n);
  });

  it('closes the streams of a key at once when it is revoked', async () => {
    await start();
    const reader = await createKey(['read']);
    const client = await ready(reader.key);
    const other = await ready();
    const res = await t!.request({ method: 'DELETE', url: `/v1/keys/${reader.keyId}` });
    expect(res.status).toBe(200);
    expect(await client.closure()).toEqual({ code: 4401, reason: 'this API key has been revoked' });
    emit('suggestion.created', created(1));
    expect(await other.next()).toMatchObject({ type: 'suggestion.created' });
  });

  it('answers a plain HTTP request with 426', async () => {
    await start();
    const res = await t!.request({ method: 'GET', url: '/v1/stream', key: null });
    expect(res.status).toBe(426);
    expect(res.body.error.message).toContain('WebSocket');
  });

  it('calls a library subscriber with its tenant’s events only, until it unsubscribes', async () => {
    const { server } = await start();
    await server.engine.createTenant({ tenantId: 'tenant-b' });
    const seen: StreamEvent[] = [];
    const off = server.engine.forTenant('default').stream.subscribe((event) => seen.push(event));
    emit('delivery.updated', delivery(1));
    emit('delivery.updated', delivery(2, { tenantId: 'tenant-b' }));
    off();
    off();
    emit('delivery.updated', delivery(3));
    expect(seen).toEqual([{ type: 'delivery.updated', data: delivery(1), at: t!.clock.now().toISOString() }]);
    expect(server.engine.stream.listenerCount()).toBe(0);
  });
});

// PostgreSQL only: two engines with pools and LISTEN connections of their own share one
// database and schema; PGlite is one process by design, so its stream is local.
describe.skipIf(!POSTGRES_URL)('the live stream across two instances on PostgreSQL', () => {
  let a: TestServer | undefined;
  let b: Server | undefined;
  const clients: StreamClient[] = [];
  const channels: NotifyChannel[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    for (const channel of channels.splice(0)) await channel.close();
    await b?.close();
    await a?.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    a = undefined;
    b = undefined;
  });

  /** Instance A (owning the test schema) and instance B on the same schema, both listening. */
  async function twoInstances(configB: ConfigInput = {}) {
    a = await startTestServer('postgres');
    const schema = a.server.engine.database.schema!;
    const database = await openPostgres({ url: POSTGRES_URL!, poolSize: 3, schema });
    b = await createServer(
      { logLevel: 'silent', adminKey: ADMIN_KEY, scheduler: false, ...configB },
      { clock: a.clock, database },
    );
    return {
      urlA: await streamUrl(a.server),
      urlB: await streamUrl(b),
      engineA: a.server.engine,
      engineB: b.engine,
    };
  }
  const ready = async (url: string, key = ADMIN_KEY) => {
    const client = await StreamClient.ready(url, key);
    clients.push(client);
    return client;
  };

  it("delivers an event emitted on A to B's client exactly once, and to A's own client once, not again through NOTIFY", async () => {
    const { urlA, urlB, engineA, engineB } = await twoInstances();
    const onA = await ready(urlA);
    const onB = await ready(urlB);
    engineA.events.emit('suggestion.created', created(1));
    engineA.events.emit('delivery.updated', delivery(1));
    expect((await onB.take(2)).map((m) => m.type)).toEqual(['suggestion.created', 'delivery.updated']);
    // B has A's two events, so they are in the notification queue; B's marker comes after them
    // there, so when A's client has the marker, an echo of A's own events would have come first
    engineB.events.emit('suggestion.updated', updated(2));
    expect(await onB.next()).toMatchObject({ type: 'suggestion.updated', data: updated(2) });
    expect(await onA.take(3)).toEqual([
      { type: 'suggestion.created', data: created(1), at: expect.any(String) },
      { type: 'delivery.updated', data: delivery(1), at: expect.any(String) },
      { type: 'suggestion.updated', data: updated(2), at: expect.any(String) },
    ]);
    engineA.events.emit('suggestion.created', created(3));
    expect(await onB.next()).toMatchObject({ data: created(3) });
    expect(await onA.next()).toMatchObject({ data: created(3) });
    expect(onA.received.length).toBe(5); // ready and four events: nothing twice
    expect(onB.received.length).toBe(5);
  });

  it('relays an event too large for one NOTIFY payload whole, and in order with the rest', async () => {
    const { urlB, engineA } = await twoInstances();
    const onB = await ready(urlB);
    const text = `${'Ünïcödé "quotes" \\ 🎉 '.repeat(1500)}end`;
    engineA.events.emit('suggestion.created', created(1));
    engineA.events.emit('delivery.updated', delivery(2, { text }));
    engineA.events.emit('suggestion.created', created(3));
    const [first, big, last] = await onB.take(3);
    expect(first.data.suggestionId).toBe('sug-1');
    expect(big.data.text).toBe(text);
    expect(last.data.suggestionId).toBe('sug-3');
  });

  it("does not relay one tenant's events to another tenant's client on the other instance", async () => {
    const { urlB, engineA } = await twoInstances();
    const tenantB = await engineA.createTenant({ tenantId: 'tenant-b' });
    const onB = await ready(urlB, tenantB.adminKey.key);
    engineA.events.emit('suggestion.created', created(1));
    const marker = created(2, { tenantId: 'tenant-b' });
    engineA.events.emit('suggestion.created', marker);
    expect(await onB.next()).toMatchObject({ data: marker });
  });

  it('closes a stream on B by its next heartbeat when its key is revoked on A', async () => {
    const { urlB } = await twoInstances({ streamHeartbeatMs: 100 });
    const reader = await a!.request({
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'reader', scopes: ['read'] },
    });
    const onB = await ready(urlB, reader.body.key);
    expect((await a!.request({ method: 'DELETE', url: `/v1/keys/${reader.body.keyId}` })).status).toBe(200);
    expect(await onB.closure()).toEqual({ code: 4401, reason: 'this API key has been revoked' });
  });

  it('listens again after its LISTEN connection is cut, and hears only its own schema', async () => {
    const database = await openTestDatabase('postgres');
    const elsewhere = await openTestDatabase('postgres');
    cleanups.push(
      () => database.close(),
      () => elsewhere.close(),
    );
    const inbox = new Inbox<unknown>();
    const states = new Inbox<string>();
    const listener = await database.openChannel!('overture_stream', {
      onMessage: (body) => inbox.push(body),
      onStateChange: (state) => states.push(state),
    });
    const sender = await database.openChannel!('overture_stream', { onMessage: () => {} });
    const otherSchema = await elsewhere.openChannel!('overture_stream', { onMessage: () => {} });
    channels.push(listener, sender, otherSchema);
    expect(listener.name).toBe(sender.name);
    expect(otherSchema.name).not.toBe(listener.name);

    expect(await states.next()).toBe('listening'); // the first LISTEN
    const pid = listener.backendPid();
    expect(pid).toBeTypeOf('number');
    await sql`select pg_terminate_backend(${pid!})`.execute(database.db);
    expect(await states.next()).toBe('lost');
    expect(await states.next()).toBe('listening');
    expect(listener.backendPid()).not.toBe(pid);

    otherSchema.publish({ from: 'the other schema' });
    listener.publish({ from: 'itself' });
    sender.publish({ n: 1 });
    expect(await inbox.next()).toEqual({ n: 1 });
    expect(inbox.items).toEqual([{ n: 1 }]);
  });
});

/** Values pushed by callbacks, awaited one by one (with a deadline that fails the test). */
class Inbox<T> {
  readonly items: T[] = [];
  #read = 0;
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.items.push(item);
    this.#wake?.();
  }

  async next(waitMs = PATIENCE_MS): Promise<T> {
    const deadline = Date.now() + waitMs;
    while (this.#read >= this.items.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing within ${waitMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.items[this.#read++]!;
  }
}
