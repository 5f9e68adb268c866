import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake bot received, as it arrived. */
export interface ReceivedCall {
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export type Answer = (call: ReceivedCall, response: ServerResponse) => void;

/**
 * A bot's memory server on 127.0.0.1 and an ephemeral port: it records each request and answers
 * as the test says (by default `{}`). An answer that never ends the response holds the call
 * open until the server closes.
 */
export interface FakeBotMemory {
  url: string;
  calls: ReceivedCall[];
  answer(answer: Answer): void;
  /** Resolves with the next request received. */
  nextCall(): Promise<ReceivedCall>;
  close(): Promise<void>;
}

export async function startFakeBotMemory(path = '/overture/context'): Promise<FakeBotMemory> {
  let answer: Answer = (_, res) => json(res, 200, {});
  const calls: ReceivedCall[] = [];
  const waiting: ((call: ReceivedCall) => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = {
        method: req.method ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString(),
      };
      calls.push(call);
      for (const resolve of waiting.splice(0)) resolve(call);
      answer(call, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    calls,
    answer(next) {
      answer = next;
    },
    nextCall: () => new Promise((resolve) => waiting.push(resolve)),
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL where nothing listens: a port that was just free. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/context`;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
