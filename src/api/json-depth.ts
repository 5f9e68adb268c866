import { Transform, type TransformCallback } from 'node:stream';
import { OvertureError } from '../contract/errors.js';
import type { Api } from './api-types.js';

/** Arrays and objects nest at most this deep in a JSON body (an event's `meta` is the deepest need). */
export const MAX_JSON_DEPTH = 64;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Refuses a JSON body nested deeper than MAX_JSON_DEPTH with 400 while it is read, before it is
 * parsed: `JSON.parse` of 10 MiB of `[[[...]]]` holds the event loop for seconds (docs/BENCHMARKS.md).
 * The bytes are scanned as they arrive (strings and their escapes skipped), which costs a few
 * milliseconds per MiB, spread over the chunks.
 */
export function registerJsonDepthLimit(app: Api): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!String(request.headers['content-type'] ?? '').includes('json')) return payload;
    return payload.pipe(new DepthGuard());
  });
}

class DepthGuard extends Transform {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #failed = false;

  constructor() {
    super();
    // Fastify stops listening after the first error it sees (a 413 may come first); a later error
    // here must not become an uncaught exception
    this.on('error', () => {});
  }

  /** Fails the body once Fastify listens for it: the body may flow before its parser is attached. */
  #fail(error: OvertureError): void {
    this.#failed = true;
    const fail = () => this.destroy(error);
    if (this.listenerCount('error') > 1) {
      fail();
      return;
    }
    const waitForParser = (event: string | symbol) => {
      if (event !== 'error') return;
      this.off('newListener', waitForParser);
      process.nextTick(fail);
    };
    this.on('newListener', waitForParser);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#failed) {
      done(); // the rest of a refused body is read and dropped
      return;
    }
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
      } else if (byte === QUOTE) {
        this.#inString = true;
      } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
        if (++this.#depth > MAX_JSON_DEPTH) {
          const rule = `must nest arrays and objects at most ${MAX_JSON_DEPTH} deep`;
          this.#fail(new OvertureError('invalid_request', `request body ${rule}`, [{ path: '', rule }]));
          done();
          return;
        }
      } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
        this.#depth--;
      }
    }
    done(null, chunk);
  }
}
