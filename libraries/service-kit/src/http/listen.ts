import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { answerMalformedRequests } from './malformed-requests.js';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then cuts what is left (streams). */
  close(graceMs?: number): Promise<void>;
}

export async function listen(
  app: Koa,
  port: number,
  host = process.env.HOST ?? '0.0.0.0',
): Promise<RunningServer> {
  // Host is checked by requireHost (a JSON 400), not by Node (an empty one).
  const server = createServer({ requireHostHeader: false }, app.callback());
  answerMalformedRequests(server);
  // Behind nginx/ALB keep-alive, the server must outlive the proxy's idle timeout.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
