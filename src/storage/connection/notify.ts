import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../ports/logger.js';
import type { Db } from '../schema.js';
import { encodeFrames, FrameAssembler, parseFrame } from './notify-frames.js';

/**
 * A LISTEN/NOTIFY channel that every engine instance on one PostgreSQL database shares. What an
 * instance publishes reaches the others' `onMessage`, in the order it was published; never its
 * own, which it already has.
 */
export interface NotifyChannel {
  /** The PostgreSQL channel: the base name and a hash of the schema the tables live in. */
  readonly name: string;
  /** Names this instance in its frames. */
  readonly origin: string;
  /** Queues a JSON value for the other instances; sent in order, one statement at a time. */
  publish(body: unknown): void;
  /** Resolves once everything published so far was sent or given up. */
  flush(): Promise<void>;
  /** The listening connection's server process id, while it is up (tests cut it). */
  backendPid(): number | undefined;
  /** Sends what is queued, then stops listening. */
  close(): Promise<void>;
}

export interface NotifyHandlers {
  onMessage(body: unknown): void;
  /** `lost` when the listening connection drops, `listening` when LISTEN is (again) in place. */
  onStateChange?(state: 'listening' | 'lost'): void;
  /** Where losses, reconnections and dropped messages are reported. */
  logger?: Logger;
}

interface NotifyChannelOptions extends NotifyHandlers {
  /** Connection string of the listening connection: the same database as `db`. */
  url: string;
  /** Where notifications are sent from (a pool connection: NOTIFY needs no session of its own). */
  db: Db;
  /** Lowercase letters and underscores, e.g. `overture_stream`. */
  base: string;
  /** How long opening the listening connection may take, in ms (the driver's default: no bound). */
  connectTimeoutMs?: number;
  /** Reconnection delays: `minMs` doubling up to `maxMs`, each with up to a fifth of jitter. */
  retry?: { minMs: number; maxMs: number };
}

/** Frames queued beyond this many (the database is slow or away) drop the oldest messages. */
const MAX_QUEUED_FRAMES = 10_000;
/** Frames sent per statement, at most (a split message is never cut across statements). */
const FRAMES_PER_STATEMENT = 100;

/**
 * The channel is scoped by schema as well as by database (NOTIFY already is): instances whose
 * tables live in another schema of the same database, such as parallel test schemas, do not
 * hear each other.
 */
async function streamChannelName(db: Db, base: string): Promise<string> {
  if (!/^[a-z_]{1,40}$/.test(base)) throw new Error(`invalid channel base name: ${base}`);
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  return `${base}_${createHash('sha256').update(schema).digest('hex').slice(0, 12)}`;
}

/**
 * Opens the channel: LISTEN on a dedicated connection (a pool's connections come and go, and a
 * LISTEN lasts only as long as its session). When that connection drops, it reconnects with
 * backoff and logs the gap; notifications sent meanwhile are lost. Fails if the first LISTEN
 * cannot be set up.
 */
export async function openNotifyChannel(options: NotifyChannelOptions): Promise<NotifyChannel> {
  const name = await streamChannelName(options.db, options.base);
  const listener = new ChannelListener(name, options);
  await listener.start();
  return listener;
}

class ChannelListener implements NotifyChannel {
  readonly origin = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #assembler = new FrameAssembler();
  readonly #queue: string[][] = [];
  #queuedFrames = 0;
  #seq = 0;
  #sending: Promise<void> | undefined;
  #client: pg.Client | undefined;
  #closed = false;
  #attempt = 0;
  #lostAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly options: NotifyChannelOptions,
  ) {}

  async start(): Promise<void> {
    await this.#connect();
  }

  publish(body: unknown): void {
    if (this.#closed) return;
    const frames = encodeFrames(this.origin, ++this.#seq, body);
    if (!frames) {
      this.options.logger?.warn(
        { channel: this.name, bytes: Buffer.byteLength(JSON.stringify(body)) },
        'stream message too large to relay to other instances; delivered on this instance only',
      );
      return;
    }
    this.#queue.push(frames);
    this.#queuedFrames += frames.length;
    let dropped = 0;
    while (this.#queuedFrames > MAX_QUEUED_FRAMES && this.#queue.length > 1) {
      this.#queuedFrames -= this.#queue.shift()!.length;
      dropped += 1;
    }
    if (dropped > 0)
      this.options.logger?.warn(
        { channel: this.name, dropped },
        'stream relay queue full; oldest messages dropped',
      );
    this.#sending ??= this.#send();
  }

  flush(): Promise<void> {
    return this.#sending ?? Promise.resolve();
  }

  backendPid(): number | undefined {
    return (this.#client as (pg.Client & { processID?: number }) | undefined)?.processID;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  /**
   * Sends the queue in order: one statement at a time, so notifications commit in order. It starts
   * on the next turn of the event loop, so that what one transaction announces (its deliveries,
   * suggestions and funnel moves) goes in one statement.
   */
  async #send(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queue.length > 0) {
      const batch: string[] = [];
      while (this.#queue.length > 0 && batch.length < FRAMES_PER_STATEMENT) {
        const frames = this.#queue.shift()!;
        this.#queuedFrames -= frames.length;
        batch.push(...frames);
      }
      try {
        // unnest yields the array in order, and pg_notify is called row by row in that order
        await sql`select pg_notify(${this.name}, payload) from unnest(${batch}::text[]) as payload`.execute(
          this.options.db,
        );
      } catch (error) {
        this.options.logger?.warn(
          { err: error, channel: this.name, frames: batch.length },
          'could not relay stream events to other instances',
        );
      }
    }
    this.#sending = undefined;
  }

  #receive(payload: string): void {
    const frame = parseFrame(payload);
    if (!frame) {
      this.options.logger?.debug({ channel: this.name }, 'ignored a notification that is not a stream frame');
      return;
    }
    if (frame.origin === this.origin) return; // delivered locally when it was emitted
    const message = this.#assembler.add(frame);
    if (!message) return;
    try {
      this.options.onMessage(message.body);
    } catch (error) {
      this.options.logger?.error({ err: error, channel: this.name }, 'stream relay handler failed');
    }
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: 'overture-stream',
      // a connection that silently died (a dropped route, a NAT timeout) is noticed by TCP keepalive
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(this.options.connectTimeoutMs ? { connectionTimeoutMillis: this.options.connectTimeoutMs } : {}),
    });
    // always listened to, so a late error of a dropped or failed client never crashes the process
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel === this.name && message.payload !== undefined) this.#receive(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen "${this.name}"`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#attempt = 0;
    if (this.#lostAt !== undefined) {
      this.options.logger?.info(
        { channel: this.name, gapMs: Date.now() - this.#lostAt },
        'stream relay listening again; events of other instances during the gap were not received',
      );
      this.#lostAt = undefined;
    }
    this.options.onStateChange?.('listening');
  }

  #lost(client: pg.Client, error?: Error): void {
    // a client that is not the current one failed while connecting (that attempt reports it) or is old
    if (client !== this.#client || this.#closed) return;
    this.#client = undefined;
    this.#lostAt = Date.now();
    this.#assembler.reset(); // parts of a message may have been cut off with the connection
    this.options.logger?.warn(
      { reason: error?.message, channel: this.name },
      'stream relay lost its LISTEN connection; reconnecting (events of other instances are missed until then)',
    );
    client.end().catch(() => {});
    this.options.onStateChange?.('lost');
    this.#retry();
  }

  #retry(): void {
    if (this.#closed) return;
    const { minMs, maxMs } = this.options.retry ?? { minMs: 250, maxMs: 10_000 };
    const base = Math.min(maxMs, minMs * 2 ** this.#attempt);
    const delay = Math.round(base * (1 + Math.random() / 5));
    this.#attempt += 1;
    this.#timer = setTimeout(() => {
      this.#connect().catch((error: unknown) => {
        // said once per outage, not once per attempt (the database may be away for long)
        const level = this.#attempt === 1 ? 'warn' : 'debug';
        this.options.logger?.[level](
          { reason: (error as Error).message, channel: this.name, attempt: this.#attempt },
          'stream relay could not reconnect; trying again',
        );
        this.#retry();
      });
    }, delay);
    this.#timer.unref();
  }
}
