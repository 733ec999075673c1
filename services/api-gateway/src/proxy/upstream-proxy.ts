import http from 'node:http';
import https from 'node:https';
import type { Middleware } from 'koa';
import { AppError } from '@fleetman/service-kit';

/**
 * Forwards a request to an upstream service (the tracker for the read API, device-ingest for
 * the device registry) and streams the answer back unchanged (status, content type, body: a GPX
 * history can be large, so it is never buffered). A request body (the registry's writes) is
 * streamed up as it arrives, never parsed here. The upstream's own errors (404 unknown
 * vehicle…) pass through; the gateway only answers for it when it cannot: 503
 * `<name>_unavailable` when it refuses or drops the connection, 504 `<name>_timeout` when no
 * response starts within the timeout or the body stalls that long.
 */

export interface UpstreamProxyOptions {
  /** `tracker` or `ingest`: the prefix of the error codes. */
  name: string;
  /** For people, in error messages: "The position tracker". */
  title: string;
  url: string;
  timeoutMs: number;
}

/** Request headers worth passing on; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'if-none-match',
  'if-modified-since',
  'content-type',
  'content-length',
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

class UpstreamTimeout extends Error {
  readonly code = 'UPSTREAM_TIMEOUT';
}

export function upstreamProxy({ name, title, url, timeoutMs }: UpstreamProxyOptions): Middleware {
  const base = new URL(url);
  const client = base.protocol === 'https:' ? https : http;
  // Keep-alive: a request should not pay a TCP handshake to a neighbour pod.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 256 });
  const basePath = base.pathname.replace(/\/$/, '');

  return async function proxyUpstream(ctx) {
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

    // GETs have no body; a body is streamed once, so such a request is never retried.
    const body = ctx.method === 'GET' || ctx.method === 'HEAD' ? undefined : ctx.req;
    let upstream: http.IncomingMessage;
    try {
      upstream = await send(client, agent, target, ctx.method, headers, timeoutMs, ctx.res, body);
    } catch (err) {
      throw translate(err, { name, title, url });
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
  body: http.IncomingMessage | undefined,
  retried = false,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = client.request(target, { method, headers, agent });
    const deadline = setTimeout(() => request.destroy(new UpstreamTimeout()), timeoutMs);
    // Also bounds a body that stops flowing half way (socket inactivity).
    request.setTimeout(timeoutMs, () => request.destroy(new UpstreamTimeout()));
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
      // A kept-alive socket the upstream already closed (e.g. it restarted): try once on a
      // fresh one — only without a body, which cannot be read twice.
      if (!retried && !body && request.reusedSocket && err.code === 'ECONNRESET') {
        send(client, agent, target, method, headers, timeoutMs, clientResponse, body, true).then(
          resolve,
          reject,
        );
        return;
      }
      reject(err);
    });
    if (body) body.pipe(request);
    else request.end();
  });
}

function translate(
  err: unknown,
  { name, title, url }: { name: string; title: string; url: string },
): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof UpstreamTimeout) {
    return new AppError(504, `${name}_timeout`, `${title} did not answer in time`);
  }
  if (UNREACHABLE.has(code)) {
    return new AppError(503, `${name}_unavailable`, `${title} is unavailable (${code})`, {
      'Retry-After': '5',
    });
  }
  return Object.assign(new Error(`Proxy to ${url} failed: ${(err as Error).message}`), {
    cause: err,
  });
}
