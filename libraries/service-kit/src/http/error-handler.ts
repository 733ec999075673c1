import type { Middleware } from 'koa';
import { AppError } from './app-error.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  code?: unknown;
  message?: string;
  headers?: Record<string, string>;
}

/**
 * First in the chain: every error leaves as `{ error, message }` JSON with the right status, and is
 * handed once to `app.on('error')` (which logs it) unless it was the client's mistake.
 */
export function errorHandler(): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (caught) {
      const err = (caught ?? {}) as HttpLikeError;
      const status = err.status ?? err.statusCode ?? 500;
      // 501 (a method no route knows) is the client's doing, though a 5xx.
      const clients = status < 500 || status === 501;
      const expose =
        err instanceof AppError ? err.expose : status === 501 || (err.expose ?? status < 500);
      ctx.status = status;
      ctx.set(err.headers ?? {});
      ctx.body = {
        error: typeof err.code === 'string' && err instanceof AppError ? err.code : codeFor(status),
        message: expose && err.message ? err.message : 'Internal error',
      };
      if (!clients) ctx.app.emit('error', caught, ctx);
    }
  };
}

function codeFor(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    413: 'payload_too_large',
    414: 'uri_too_long',
    429: 'rate_limited',
    431: 'headers_too_large',
    501: 'not_implemented',
    503: 'unavailable',
    504: 'timeout',
  };
  return codes[status] ?? (status >= 500 ? 'internal' : 'error');
}
