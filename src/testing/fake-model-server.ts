import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DelayedAnswers, flatHeaders, parseJson, readBody } from './http-fake.js';

/** Tokens a fake answer reports. */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * What a fake model server answers to one request. Every kind may wait `delayMs` first (longer
 * than the client's timeout, to test timeouts; `close()` never waits for it).
 * - `object`: a structured answer, in whatever form the client asked for (any JSON, so a
 *   schema-violating one too);
 * - `text`: raw content, as the model's text (e.g. malformed JSON);
 * - `status`: an HTTP error with a JSON or text body and headers (`retry-after`);
 * - `reset`: the connection is destroyed without an answer.
 */
export type FakeReply = (
  | { object: unknown; usage?: FakeUsage }
  | { text: string; usage?: FakeUsage }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { reset: true }
) & { delayMs?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case names, as node gives them. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The JSON schema the client asked the answer to follow, when it sent one. */
  schema: Record<string, unknown> | null;
}

/** Answers a request with no scripted reply left; the default answers 500 "nothing scripted". */
export type FakeResponder = (request: RecordedRequest) => FakeReply;

export interface FakeModelServer {
  /** The base URL a provider is configured with: `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues the next replies, answered in order before the standing responder. */
  script(next: FakeReply | FakeReply[]): void;
  /** Stops the server at once, dropping delayed answers and open connections. */
  close(): Promise<void>;
}

/** How one provider's API looks: where it listens and how its answers are written. */
export interface ModelApiFormat {
  path: string;
  schemaOf(body: unknown): Record<string, unknown> | null;
  /** A 200 body carrying the answer; `json` is the reply's object, already serialised. */
  success(reply: { json: string } | { text: string }, usage: FakeUsage, request: RecordedRequest): unknown;
  /** The provider's error body, for a status scripted without a body of its own. */
  error(status: number, message: string): unknown;
}

const DEFAULT_USAGE: FakeUsage = { inputTokens: 42, outputTokens: 12 };

/** Starts a fake model server on 127.0.0.1 and an ephemeral port. */
export async function startFakeModelServer(
  format: ModelApiFormat,
  options: { otherwise?: FakeResponder } = {},
): Promise<FakeModelServer> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const delayed = new DelayedAnswers();
  const otherwise: FakeResponder =
    options.otherwise ?? (() => ({ status: 500, body: format.error(500, 'no reply scripted') }));

  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        const body = parseJson(raw);
        const request: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: flatHeaders(req),
          body,
          schema: format.schemaOf(body),
        };
        requests.push(request);
        if (req.method !== 'POST' || req.url !== format.path) {
          send(res, 404, format.error(404, `no route ${req.method} ${req.url}`));
          return;
        }
        const reply = queue.shift() ?? otherwise(request);
        const answer = () => answerWith(res, reply, request, format);
        delayed.answer(res, reply.delayMs, answer);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script(next) {
      queue.push(...(Array.isArray(next) ? next : [next]));
    },
    async close() {
      delayed.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answerWith(
  res: ServerResponse,
  reply: FakeReply,
  request: RecordedRequest,
  format: ModelApiFormat,
): void {
  if ('reset' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('status' in reply) {
    send(
      res,
      reply.status,
      reply.body ?? format.error(reply.status, `scripted ${reply.status}`),
      reply.headers,
    );
    return;
  }
  const usage = reply.usage ?? DEFAULT_USAGE;
  const content = 'object' in reply ? { json: JSON.stringify(reply.object) } : { text: reply.text };
  send(res, 200, format.success(content, usage, request));
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(text);
}

/** `value` as a plain object, or null: for digging into recorded bodies. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
