import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the engine and a server (PostgreSQL, say) that a test controls, to show
 * the engine a server that freezes or goes away without touching the real one:
 *
 * - `pause()`: nothing is forwarded either way and new connections are accepted but not passed
 *   on, as with a frozen server or a network partition (the bytes are held, not lost);
 *   `resume()` forwards what was held and carries on.
 * - `down()`: stops listening and cuts every connection, as a stopped server does (a new
 *   connection is refused); `up()` listens again on the same port.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<Pair>();
  #server: Server | undefined;
  #port = 0;
  #paused = false;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** Listens on a free port of 127.0.0.1 (or `port`) and forwards to `target`. */
  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.#port = port;
    await proxy.up();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** Connections open through the proxy. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.#port);
    return parsed.toString();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    for (const pair of this.#pairs) pair.flush();
  }

  /** Stops listening and cuts every connection: new ones are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const pair of this.#pairs) pair.destroy();
    this.#pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again (on the same port once it has one). */
  async up(): Promise<void> {
    if (this.#server) return;
    const server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.#port = address.port;
    this.#server = server;
  }

  close(): Promise<void> {
    return this.down();
  }

  #accept(client: Socket): void {
    const pair = new Pair(
      client,
      () => this.#paused,
      () => this.#pairs.delete(pair),
    );
    this.#pairs.add(pair);
    const upstream = createConnection(this.#target);
    pair.attach(upstream);
  }
}

/** One client connection and its upstream: bytes either way pass, or wait while paused. */
class Pair {
  readonly #held: { to: 'client' | 'upstream'; data: Buffer }[] = [];
  #upstream: Socket | undefined;
  #upstreamConnected = false;
  #closed = false;

  constructor(
    readonly client: Socket,
    private readonly paused: () => boolean,
    private readonly onClose: () => void,
  ) {
    client.on('data', (data: Buffer) => this.#send('upstream', data));
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
  }

  attach(upstream: Socket): void {
    this.#upstream = upstream;
    upstream.on('connect', () => {
      this.#upstreamConnected = true;
      this.flush();
    });
    upstream.on('data', (data: Buffer) => this.#send('client', data));
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.destroy());
  }

  flush(): void {
    if (this.paused() || !this.#upstreamConnected) return;
    for (const { to, data } of this.#held.splice(0)) this.#write(to, data);
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.client.destroy();
    this.#upstream?.destroy();
    this.onClose();
  }

  #send(to: 'client' | 'upstream', data: Buffer): void {
    if (this.paused() || !this.#upstreamConnected || this.#held.length > 0) {
      this.#held.push({ to, data });
      this.flush();
      return;
    }
    this.#write(to, data);
  }

  #write(to: 'client' | 'upstream', data: Buffer): void {
    const socket = to === 'client' ? this.client : this.#upstream;
    if (!this.#closed) socket?.write(data);
  }
}
