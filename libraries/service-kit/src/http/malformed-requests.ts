import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';
import { AppError } from './app-error.js';

/**
 * Requests that never reach Koa still get the `{ error, message }` JSON every other error has.
 * Node's HTTP parser rejects them (bad method, bad header, oversize request line or headers,
 * header timeout) and by default writes a bare status line with an empty body, then resets the
 * socket while the client may still be sending — a 100,000-character URL ended as a connection
 * reset instead of an answer. Here the answer is JSON, and the socket is half-closed and kept
 * reading for a moment so the client can read it (closing with unread input sends a RST).
 */

/** How long a rejected connection may keep sending before it is cut. */
const LINGER_MS = 2_000;

interface ParserError extends Error {
  code?: string;
  reason?: string;
  rawPacket?: Buffer;
}

export function answerMalformedRequests(server: Server): void {
  const answered = new WeakSet<Socket>();
  server.on('clientError', (err: ParserError, socket: Socket) => {
    // The parser reports every later chunk of a broken connection again: answer once.
    if (answered.has(socket)) return;
    answered.add(socket);
    const [status, code, message] = describe(err);
    if (
      socket.writable &&
      !(socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
    ) {
      const body = JSON.stringify({ error: code, message });
      socket.end(
        `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          'X-Content-Type-Options: nosniff\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    const cut = setTimeout(() => socket.destroy(), LINGER_MS);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  });
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

function describe(err: ParserError): [number, string, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      // The request line counts towards the header limit: no line end yet means the URL is it.
      return isRequestLine(err.rawPacket)
        ? [414, 'uri_too_long', 'The request URL is too long']
        : [431, 'headers_too_large', 'The request headers are too large'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'payload_too_large', 'The chunk extensions are too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'The request did not arrive in time'];
    default:
      return [
        400,
        'bad_request',
        `Malformed HTTP request: ${err.reason ?? err.code ?? 'unreadable'}`,
      ];
  }
}

function isRequestLine(packet: Buffer | undefined): boolean {
  if (!packet) return false;
  const head = packet.subarray(0, Math.min(packet.length, 32)).toString('latin1');
  return /^[A-Z]+ /.test(head) && !packet.includes('\r\n');
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node checks it itself but answers with an
 * empty 400, so the listener leaves the check to this middleware, which answers JSON.
 */
export function requireHost(): Middleware {
  return async function checkHost(ctx, next) {
    if (ctx.req.httpVersion === '1.1' && ctx.get('host') === '')
      throw new AppError(400, 'bad_request', 'An HTTP/1.1 request needs a Host header');
    await next();
  };
}
