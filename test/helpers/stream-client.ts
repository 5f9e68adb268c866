import WebSocket, { type ClientOptions } from 'ws';
import { PATIENCE_MS } from './patience.js';

/** How long a test waits for a message or a close before it fails. */
const WAIT_MS = PATIENCE_MS;

/**
 * A real `ws` client of `/v1/stream` that keeps every message it gets, so a test awaits the
 * next one (with a deadline that fails the test) instead of sleeping.
 */
export class StreamClient {
  readonly received: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #read = 0;
  #waiter: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)));
      this.#waiter?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#waiter?.();
      });
    });
  }

  /** Opens a connection to `url` (ws://host:port/v1/stream...); with `key`, in the Authorization header. */
  static async connect(url: string, options: { key?: string } & ClientOptions = {}): Promise<StreamClient> {
    const { key, ...rest } = options;
    const ws = new WebSocket(url, {
      ...rest,
      headers: { ...rest.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Connects and waits for `ready`. */
  static async ready(url: string, key: string, options: ClientOptions = {}): Promise<StreamClient> {
    const client = await StreamClient.connect(url, { ...options, key });
    const ready = await client.next();
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not yet read; fails if none comes in time or the connection closes first. */
  async next(waitMs = WAIT_MS): Promise<any> {
    const deadline = Date.now() + waitMs;
    while (this.#read >= this.received.length) {
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`connection closed while waiting for a message (${this.received.length} received)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${waitMs} ms (${this.received.length} received)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
    return this.received[this.#read++];
  }

  /** The next `count` messages. */
  async take(count: number): Promise<any[]> {
    const out = [];
    for (let i = 0; i < count; i++) out.push(await this.next());
    return out;
  }

  /** Resolves with the close code and reason; fails if the connection stays open too long. */
  async closure(waitMs = WAIT_MS): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${waitMs} ms`)), waitMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closure();
  }
}
