import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DelayedAnswers, flatHeaders, parseJson, readBody } from './http-fake.js';

/**
 * What a fake platform does with one request of a route, scripted in advance; unscripted
 * requests are handled as the platform would (`{ handle: true }`).
 * - `handle`: the platform's own answer (a message delivered); `delayMs` delays only the answer,
 *   as when an answer is slow or lost: the message is delivered at once; so does `until`, which
 *   holds the answer until the promise settles (a send held open while a test does something else).
 * - `status`: an HTTP error with the platform's body (see each fake's `...Replies`), after `delayMs`;
 * - `reset`: the connection is destroyed, `'before-body'` as soon as the request arrives (nothing
 *   is read or delivered), `'after-body'` once it was read and handled (delivered, answer lost).
 */
export type ScriptedReply =
  | { handle: true; delayMs?: number; until?: Promise<unknown> }
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { reset: 'before-body' | 'after-body' };

export interface PlatformRequest {
  method: string;
  /** The path and query, as sent. */
  path: string;
  /** The route it matched, or null (answered 404). */
  route: string | null;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string>;
  /** The body as sent. */
  rawBody: string;
  /** Parsed: JSON, or form fields for `application/x-www-form-urlencoded`, else the raw text. */
  body: unknown;
}

/** A platform's answer: status, JSON body (a string is sent as text), headers. */
export interface PlatformAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface PlatformRoute<R extends string> {
  name: R;
  method: string;
  /** The path's parameters when the route matches it, else null. */
  match(path: string): Record<string, string> | null;
  /** Handles an unscripted (or `handle`) request: records a delivery, answers as the platform. */
  handle(request: PlatformRequest, params: Record<string, string>): PlatformAnswer;
}

interface PlatformFormat<R extends string> {
  routes: PlatformRoute<R>[];
  /** The platform's refusal of a request's credentials, checked before any script; null lets it through. */
  authorize(request: PlatformRequest, params: Record<string, string>): PlatformAnswer | null;
  /** The platform's answer to a path it does not serve. */
  notFound(request: PlatformRequest): PlatformAnswer;
}

export interface FakePlatformServer<R extends string> {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request received, in order, those refused included. */
  requests: PlatformRequest[];
  /** Queues replies for the next requests of `route`, before it goes back to handling them. */
  script(route: R, next: ScriptedReply | ScriptedReply[]): void;
  /** Stops the server at once, dropping delayed answers and open connections. */
  close(): Promise<void>;
}

/** Starts a fake platform server on 127.0.0.1 and an ephemeral port. */
export async function startFakePlatformServer<R extends string>(
  format: PlatformFormat<R>,
): Promise<FakePlatformServer<R>> {
  const queues = new Map<R, ScriptedReply[]>();
  const requests: PlatformRequest[] = [];
  const delayed = new DelayedAnswers();

  const routeOf = (method: string, path: string) => {
    const pathname = path.split('?')[0] ?? path;
    for (const route of format.routes) {
      if (route.method !== method) continue;
      const params = route.match(pathname);
      if (params) return { route, params };
    }
    return null;
  };

  const server = createServer((req, res) => {
    const method = req.method ?? '';
    const path = req.url ?? '';
    const found = routeOf(method, path);
    const queue = found ? queues.get(found.route.name) : undefined;
    if (found && queue?.[0] !== undefined && 'reset' in queue[0] && queue[0].reset === 'before-body') {
      queue.shift();
      requests.push({
        method,
        path,
        route: found.route.name,
        headers: flatHeaders(req),
        rawBody: '',
        body: '',
      });
      req.socket.destroy();
      return;
    }
    readBody(req).then(
      (rawBody) => {
        const request: PlatformRequest = {
          method,
          path,
          route: found?.route.name ?? null,
          headers: flatHeaders(req),
          rawBody,
          body: parseBody(rawBody, req.headers['content-type']),
        };
        requests.push(request);
        if (!found) return send(res, format.notFound(request));
        const refused = format.authorize(request, found.params);
        if (refused) return send(res, refused);
        const reply = queue?.shift() ?? { handle: true };
        if ('reset' in reply) {
          if (reply.reset === 'after-body') found.route.handle(request, found.params);
          res.socket?.destroy();
          return;
        }
        const answer: PlatformAnswer =
          'handle' in reply
            ? found.route.handle(request, found.params)
            : {
                status: reply.status,
                body: reply.body ?? '',
                ...(reply.headers ? { headers: reply.headers } : {}),
              };
        if ('handle' in reply && reply.until) {
          const answerOnce = () => {
            if (!res.destroyed && !res.writableEnded) send(res, answer);
          };
          reply.until.then(answerOnce, answerOnce);
          return;
        }
        delayed.answer(res, reply.delayMs, () => send(res, answer));
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    script(route, next) {
      const queue = queues.get(route) ?? [];
      queue.push(...(Array.isArray(next) ? next : [next]));
      queues.set(route, queue);
    },
    async close() {
      delayed.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A route for one exact path. */
export function exactPath(path: string): (candidate: string) => Record<string, string> | null {
  return (candidate) => (candidate === path ? {} : null);
}

function send(res: ServerResponse, answer: PlatformAnswer): void {
  if (res.destroyed) return;
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
  res.end(text);
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (contentType?.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  return parseJson(raw);
}

/** `value` as a plain object, or an empty one: for reading recorded bodies. */
export function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
