import http from 'node:http';
import https from 'node:https';
import type { Middleware } from 'koa';
import { AppError } from '@fleetman/service-kit';

/**
 * Forwards a request to the tracker and streams the answer back unchanged (status, content type,
 * body: a GPX history can be large, so it is never buffered). The tracker's own errors (404
 * unknown vehicle…) pass through; the gateway only answers for the tracker when it cannot:
 * 503 `tracker_unavailable` when it refuses or drops the connection, 504 `tracker_timeout` when
 * no response starts within the timeout or the body stalls that long.
 */

export interface TrackerProxyOptions {
  trackerUrl: string;
  timeoutMs: number;
}

/** Request headers worth passing on; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'if-none-match',
  'if-modified-since',
];
/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones this gateway sets itself. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-request-id',
  'date',
]);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

class TrackerTimeout extends Error {
  readonly code = 'TRACKER_TIMEOUT';
}

export function trackerProxy({ trackerUrl, timeoutMs }: TrackerProxyOptions): Middleware {
  const base = new URL(trackerUrl);
  const client = base.protocol === 'https:' ? https : http;
  // Keep-alive: a request should not pay a TCP handshake to a neighbour pod.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 256 });
  const basePath = base.pathname.replace(/\/$/, '');

  return async function proxyToTracker(ctx) {
    const target = new URL(base);
    target.pathname = basePath + ctx.path;
    target.search = ctx.querystring;
    const headers: Record<string, string> = { 'x-request-id': ctx.state.reqId };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = ctx.get(name);
      if (value) headers[name] = value;
    }
    const forwardedFor = ctx.get('x-forwarded-for');
    const peer = ctx.req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${peer}` : peer;
    headers['x-forwarded-proto'] = ctx.protocol;

    let upstream: http.IncomingMessage;
    try {
      upstream = await send(client, agent, target, ctx.method, headers, timeoutMs, ctx.res);
    } catch (err) {
      throw translate(err, trackerUrl);
    }

    ctx.status = upstream.statusCode ?? 502;
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) ctx.set(name, value);
    }
    if (ctx.status === 204 || ctx.status === 304) {
      upstream.resume();
      ctx.body = null;
      return;
    }
    const length = upstream.headers['content-length'];
    ctx.body = upstream; // Koa pipes it and destroys it if the client goes away
    if (length !== undefined) ctx.length = Number(length);
  };
}

function send(
  client: typeof http | typeof https,
  agent: http.Agent,
  target: URL,
  method: string,
  headers: Record<string, string>,
  timeoutMs: number,
  clientResponse: http.ServerResponse,
  retried = false,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = client.request(target, { method, headers, agent });
    const deadline = setTimeout(() => request.destroy(new TrackerTimeout()), timeoutMs);
    // Also bounds a body that stops flowing half way (socket inactivity).
    request.setTimeout(timeoutMs, () => request.destroy(new TrackerTimeout()));
    const abandon = () => request.destroy();
    clientResponse.once('close', abandon);
    request.on('response', (response) => {
      clearTimeout(deadline);
      response.once('end', () => clientResponse.off('close', abandon));
      resolve(response);
    });
    request.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      clientResponse.off('close', abandon);
      // A kept-alive socket the tracker already closed (e.g. it restarted): try once on a fresh one.
      if (!retried && request.reusedSocket && err.code === 'ECONNRESET') {
        send(client, agent, target, method, headers, timeoutMs, clientResponse, true).then(
          resolve,
          reject,
        );
        return;
      }
      reject(err);
    });
    request.end();
  });
}

function translate(err: unknown, trackerUrl: string): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof TrackerTimeout) {
    return new AppError(504, 'tracker_timeout', 'The position tracker did not answer in time');
  }
  if (UNREACHABLE.has(code)) {
    return new AppError(
      503,
      'tracker_unavailable',
      `The position tracker is unavailable (${code})`,
      {
        'Retry-After': '5',
      },
    );
  }
  return Object.assign(new Error(`Proxy to ${trackerUrl} failed: ${(err as Error).message}`), {
    cause: err,
  });
}
