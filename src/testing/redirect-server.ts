import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RedirectServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests it answered. */
  hits(): number;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that answers every request with a 307 (which keeps the method and the
 * body) to the same path at `target`, and a body a careless client might read as an answer.
 */
export async function startRedirectServer(target: string): Promise<RedirectServer> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    req.resume();
    res
      .writeHead(307, { location: `${target}${req.url}`, 'content-type': 'application/json' })
      .end('{"ok":true,"result":{"message_id":1}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
