import type { WebSocket } from 'ws';
import { OvertureError } from '../contract/errors.js';
import { parseInput } from '../contract/issues.js';
import { StreamAuthMessage, StreamSubscribeMessage } from '../contract/stream.schema.js';
import { STREAM_EVENT_NAMES, type StreamEvent, type StreamEventName } from '../contract/stream-event.js';
import type { Principal } from '../engine/accounts/api-keys.js';
import type { EngineStream } from '../engine/kernel/stream.js';
import type { Logger } from '../ports/logger.js';
import { bearerKey, requireScope } from './auth.js';

/** Close codes of `/v1/stream` besides the standard ones (docs/STREAM.md). */
export const CLOSE = {
  goingAway: 1001,
  internalError: 1011,
  tryAgainLater: 1013,
  unauthorized: 4401,
  forbidden: 4403,
} as const;

interface StreamConnectionDeps {
  stream: EngineStream;
  authenticate(key: string): Promise<Principal>;
  logger: Logger;
  authTimeoutMs: number;
  maxBufferedBytes: number;
}

interface Filter {
  events: ReadonlySet<StreamEventName>;
  userId?: string;
  characterId?: string;
}

const EVERYTHING: Filter = { events: new Set(STREAM_EVENT_NAMES) };
/** Query parameters a client might put a key in; refused, since URLs end up in logs. */
const KEY_PARAMS = ['key', 'apikey', 'api_key', 'token', 'access_token', 'authorization'];
/** Each event is serialised once, however many of its tenant's clients it goes to. */
const serialised = new WeakMap<StreamEvent, string>();

/**
 * One client of `/v1/stream`: authenticates it (the upgrade's Authorization header, else a first
 * message within the timeout), then sends it its tenant's events through its filter. Messages
 * are handled one at a time, in order, so a `subscribe` sent right after connecting waits for
 * the header's key to be checked.
 */
export class StreamConnection {
  principal: Principal | undefined;
  /** The key it authenticated with, checked again at each heartbeat. */
  key: string | undefined;
  /** Whether it answered the last ping. */
  alive = true;
  #filter = EVERYTHING;
  #unsubscribe: (() => void) | undefined;
  #authTimer: NodeJS.Timeout | undefined;
  #inbox: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    private readonly deps: StreamConnectionDeps,
  ) {}

  start(authorization: string | undefined, query: Record<string, unknown>): void {
    this.socket.on('close', () => this.#release());
    this.socket.on('pong', () => {
      this.alive = true;
    });
    this.socket.on('message', (data, isBinary) => {
      this.#inbox = this.#inbox.then(() => this.#receive(data, isBinary));
    });
    if (Object.keys(query).some((name) => KEY_PARAMS.includes(name.toLowerCase()))) {
      this.close(
        CLOSE.unauthorized,
        'API keys are not accepted in the query string; use the header or an auth message',
      );
      return;
    }
    if (authorization !== undefined) {
      this.#inbox = this.#inbox.then(() => this.#authenticate(() => bearerKey(authorization)));
      return;
    }
    this.#authTimer = setTimeout(
      () => this.close(CLOSE.unauthorized, `no auth message within ${this.deps.authTimeoutMs} ms`),
      this.deps.authTimeoutMs,
    );
  }

  /** Closes with a code and a reason (cut to the 123 bytes a close frame holds). */
  close(code: number, reason: string): void {
    this.#release();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, fitReason(reason));
    }
  }

  /** A ping; a client that did not answer the previous one is cut. */
  heartbeat(): void {
    if (!this.alive) {
      this.deps.logger.info({ tenantId: this.principal?.tenantId }, 'stream client missed a heartbeat; cut');
      this.socket.terminate();
      return;
    }
    this.alive = false;
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  async #receive(data: unknown, isBinary: boolean): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const message = isBinary ? undefined : parseJson(String(data));
    if (!this.principal) {
      clearTimeout(this.#authTimer);
      if (message === undefined || (message as { type?: unknown }).type !== 'auth') {
        this.close(CLOSE.unauthorized, 'the first message must be {"type":"auth","key":"<API key>"}');
        return;
      }
      await this.#authenticate(() => parseInput(StreamAuthMessage, message).key);
      return;
    }
    if (message === undefined) {
      this.#send({ type: 'error', message: 'message must be a JSON object as text' });
      return;
    }
    const type = (message as { type?: unknown }).type;
    if (type === 'subscribe') {
      this.#subscribe(message);
    } else if (type === 'auth') {
      this.#send({ type: 'error', message: 'type: this connection is already authenticated' });
    } else {
      this.#send({
        type: 'error',
        message: `type must be "subscribe" (or "auth" as the first message); got ${JSON.stringify(type ?? null)}`,
      });
    }
  }

  #subscribe(message: object): void {
    let input: StreamSubscribeMessage;
    try {
      input = parseInput(StreamSubscribeMessage, message);
    } catch (error) {
      if (!(error instanceof OvertureError)) throw error;
      this.#send({ type: 'error', message: error.message, issues: error.issues });
      return;
    }
    this.#filter = { events: new Set(input.events), userId: input.userId, characterId: input.characterId };
    this.#send({
      type: 'subscribed',
      events: input.events,
      userId: input.userId ?? null,
      characterId: input.characterId ?? null,
    });
  }

  async #authenticate(keyOf: () => string): Promise<void> {
    let key: string;
    let principal: Principal;
    try {
      key = keyOf();
      principal = await this.deps.authenticate(key);
      requireScope(principal, 'read');
    } catch (error) {
      if (
        error instanceof OvertureError &&
        (error.code === 'unauthorized' || error.code === 'invalid_request')
      ) {
        this.close(CLOSE.unauthorized, error.message);
      } else if (error instanceof OvertureError && error.code === 'forbidden') {
        this.close(CLOSE.forbidden, 'this key lacks the "read" scope the stream needs');
      } else {
        this.deps.logger.error({ err: error }, 'stream authentication failed');
        this.close(CLOSE.internalError, 'could not check the key; see the server log');
      }
      return;
    }
    if (this.socket.readyState !== this.socket.OPEN) return; // left while its key was checked
    this.principal = principal;
    this.key = key;
    this.#send({ type: 'ready', tenantId: principal.tenantId });
    this.#unsubscribe = this.deps.stream.subscribe(principal.tenantId, (event) => this.#push(event));
  }

  #push(event: StreamEvent): void {
    const filter = this.#filter;
    if (!filter.events.has(event.type)) return;
    if (filter.userId !== undefined && event.data.userId !== filter.userId) return;
    if (filter.characterId !== undefined && event.data.characterId !== filter.characterId) return;
    if (this.socket.readyState !== this.socket.OPEN) return;
    // what the client has not read yet stays in this process's memory: past the limit, let it go
    if (this.socket.bufferedAmount > this.deps.maxBufferedBytes) {
      this.deps.logger.warn(
        { tenantId: this.principal?.tenantId, bufferedBytes: this.socket.bufferedAmount },
        'stream client reads too slowly; closed',
      );
      this.close(
        CLOSE.tryAgainLater,
        `client reads too slowly: over ${this.deps.maxBufferedBytes} bytes unread`,
      );
      return;
    }
    let text = serialised.get(event);
    if (text === undefined) {
      text = JSON.stringify({ type: event.type, data: event.data, at: event.at });
      serialised.set(event, text);
    }
    this.socket.send(text);
  }

  #send(message: object): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  #release(): void {
    clearTimeout(this.#authTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }
}

function parseJson(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function fitReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 120);
  while (Buffer.byteLength(`${cut}...`) > 123) cut = cut.slice(0, -1);
  return `${cut}...`;
}
