import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';

/** The `fetch` signature every client library here accepts (grammY, @discordjs/rest, @slack/web-api, the `ai` SDK). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How host names are resolved: `dns.lookup`'s signature (tests pass their own, so no DNS is needed). */
export type { LookupFunction };

/**
 * A call the guard refused: an address the rules forbid, or a redirect. `code` lets callers find
 * it along an error's causes; the message names the rule and never the URL's path or query
 * (Telegram's path holds the bot token).
 */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = OUTBOUND_REFUSED;
}

export const OUTBOUND_REFUSED = 'OUTBOUND_REFUSED';

/** The refusal along an error's chain of causes (`cause`, grammY's `error`, Slack's `original`). */
export function outboundRefusalOf(error: unknown): OutboundRefusedError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === OUTBOUND_REFUSED) return current as OutboundRefusedError;
    const e = current as { cause?: unknown; error?: unknown; original?: unknown };
    current = e.cause ?? e.error ?? e.original;
  }
  return null;
}

interface GuardedFetchOptions {
  /** Null when `host`, resolved to `address`, may be reached; otherwise why not. */
  refusalOf(host: string, address: string): string | null;
  lookup?: LookupFunction;
}

/**
 * A `fetch` over node:http and node:https that checks the address of every connection it makes,
 * after DNS: its agents resolve names with a lookup that refuses a name when any of its
 * addresses is refused, and the socket connects to exactly the addresses that lookup returned,
 * so a name that resolves differently the second time (DNS rebinding) gains nothing. An IP in
 * the URL is checked before connecting. Redirects are never followed: `redirect: 'manual'` gets
 * the 3xx answer, any other mode a refusal. Bodies are decompressed (gzip, deflate, br) as
 * `fetch` does; errors take `fetch`'s shape (`TypeError('fetch failed')` with the reason as
 * `cause`; the signal's reason when aborted), which the client libraries recognise.
 */
export function createGuardedFetch(options: GuardedFetchOptions): FetchFunction {
  const lookup = checkingLookup(options.lookup ?? (dnsLookup as LookupFunction), options.refusalOf);
  const agents = {
    http: new http.Agent({ keepAlive: true, lookup }),
    https: new https.Agent({ keepAlive: true, lookup }),
  };
  return async (input, init = {}) => {
    const { signal: given, ...rest } = init;
    const request = new Request(input, { ...rest, duplex: 'half' } as RequestInit);
    const signal = nativeSignal(given ?? (input instanceof Request ? input.signal : undefined));
    signal?.throwIfAborted();
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw fetchFailed(new Error(`unsupported protocol ${url.protocol}`));
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const refusal = options.refusalOf(host, host);
      if (refusal !== null) throw fetchFailed(new OutboundRefusedError(refusal));
    }
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const headers: Record<string, string> = { accept: '*/*' };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    const secure = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const req = (secure ? https : http).request(url, {
        method: request.method,
        headers,
        agent: secure ? agents.https : agents.http,
      });
      const onAbort = () => {
        reject(signal!.reason);
        req.destroy(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      req.on('error', (error) => {
        done();
        reject(signal?.aborted ? signal.reason : fetchFailed(error));
      });
      req.on('response', (res) => {
        res.on('close', done);
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status) && request.redirect !== 'manual') {
          res.destroy();
          reject(fetchFailed(new OutboundRefusedError(`redirect refused: HTTP ${status} (never followed)`)));
          return;
        }
        try {
          resolve(toResponse(res, request));
        } catch (error) {
          res.destroy();
          reject(fetchFailed(error));
        }
      });
      req.end(body);
    });
  };
}

/**
 * A lookup that resolves every address of a name and refuses the name when any is refused, then
 * answers in the form asked for (one address, or all: Node's happy-eyeballs connect asks for all).
 */
function checkingLookup(
  resolve: LookupFunction,
  refusalOf: GuardedFetchOptions['refusalOf'],
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = (Array.isArray(found) ? found : [{ address: found, family: 4 }]) as LookupAddress[];
      if (addresses.length === 0) {
        const none = Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        return callback(none, '', 0);
      }
      for (const { address } of addresses) {
        const refusal = refusalOf(hostname, address);
        if (refusal !== null) return callback(new OutboundRefusedError(refusal), '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** The statuses `fetch` would follow (not 300 or 304, which it hands over as they are). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Statuses whose answer has no body, whatever the server sends. */
const NULL_BODY = new Set([101, 204, 205, 304]);

function toResponse(res: http.IncomingMessage, request: Request): Response {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
    } catch {
      // a header value fetch would not accept is left out
    }
  }
  const empty = NULL_BODY.has(status) || request.method === 'HEAD';
  if (empty) res.resume();
  const response = new Response(empty ? null : webStream(decoded(res, headers)), {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  });
  Object.defineProperty(response, 'url', { value: request.url });
  return response;
}

/** The body decompressed as `fetch` does (gzip, deflate, br); other encodings as they are. */
function decoded(res: http.IncomingMessage, headers: Headers): Readable {
  const encoding = (headers.get('content-encoding') ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH })
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : null;
  if (decoder === null) return res;
  return pipeline(res, decoder, () => {});
}

/** A web stream that reads `source` only as it is read (so a reader that stops early stops the socket). */
function webStream(source: Readable): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(new Uint8Array(value as Buffer));
        } catch (error) {
          controller.error(error);
        }
      },
      cancel() {
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The caller's signal as a native `AbortSignal`: grammY passes the `abort-controller` package's,
 * which `Request` does not accept.
 */
function nativeSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (signal instanceof AbortSignal) return signal;
  const like = signal as {
    aborted: boolean;
    reason?: unknown;
    addEventListener(t: 'abort', f: () => void): void;
  };
  const controller = new AbortController();
  const abort = () =>
    controller.abort(like.reason ?? new DOMException('This operation was aborted', 'AbortError'));
  if (like.aborted) abort();
  else like.addEventListener('abort', abort);
  return controller.signal;
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}
